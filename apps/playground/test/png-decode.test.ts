/**
 * The page's PNG decoder (pngjs's browser build) against the CLI's (pngjs for Node) on every colour
 * type, bit depth, tRNS and Adam7 (test/fixtures/png, from scripts/make_png_fixtures.py): the same
 * RGBA bytes, so a dropped PNG gives the page the input `ig explain` gives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { decodePng } from '../src/png-decode.js';
import { FIXTURES } from './user-files.js';

const DIR = `${FIXTURES}png/`;
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.png'));

describe('decodePng', () => {
  test('there are fixtures of every colour type', () => {
    const types = new Set(FILES.map((f) => readFileSync(`${DIR}${f}`)[25]));
    expect([...types].sort()).toEqual([0, 2, 3, 4, 6]);
  });

  for (const file of FILES) {
    test(`${file} decodes to pngjs's RGBA`, async () => {
      const bytes = readFileSync(`${DIR}${file}`);
      const expected = PNG.sync.read(bytes);
      const image = decodePng(new Uint8Array(bytes));
      expect([image.width, image.height]).toEqual([expected.width, expected.height]);
      expect(Buffer.from(image.data).equals(expected.data)).toBe(true);
    });
  }

  test('colour under alpha 0 is kept, as the CLI keeps it', async () => {
    const image = decodePng(new Uint8Array(readFileSync(`${DIR}rgba8.png`)));
    const firstColumn = Array.from({ length: image.height }, (_, y) => Array.from(image.data.subarray(y * image.width * 4, y * image.width * 4 + 4)));
    expect(firstColumn.every((p) => p[3] === 0)).toBe(true);
    expect(firstColumn.some((p) => (p[0] as number) + (p[1] as number) + (p[2] as number) > 0)).toBe(true);
  });

  const broken: readonly { readonly name: string; readonly bytes: () => Uint8Array; readonly says: RegExp }[] = [
    { name: 'not a PNG', bytes: () => new TextEncoder().encode('GIF89a, not a PNG'), says: /not a PNG file/ },
    { name: 'cut after the header', bytes: () => new Uint8Array(readFileSync(`${DIR}rgba8.png`).subarray(0, 40)), says: /the PNG cannot be read/ },
  ];
  for (const c of broken) test(`${c.name}: a readable error`, () => expect(() => decodePng(c.bytes())).toThrow(c.says));
});
