import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resizeBilinear } from '../../src/index.js';

interface Fixture {
  readonly width: number;
  readonly height: number;
  readonly rgba: number[];
  readonly resized: { readonly width: number; readonly height: number; readonly rgba: number[] }[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/bilinear-resize.json', import.meta.url), 'utf8')) as Fixture;
const source = { width: fixture.width, height: fixture.height, data: Uint8ClampedArray.from(fixture.rgba) };

const rgba = (width: number, height: number, pixel: (x: number, y: number) => number[]) => {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
};

describe('resizeBilinear', () => {
  it.each(fixture.resized.map((r) => [`${r.width}×${r.height}`, r] as const))(
    "equals torch's bilinear interpolation (align_corners=False) to %s, rounded",
    (_, expected) => {
      const out = resizeBilinear(source, expected.width, expected.height);
      expect([out.width, out.height]).toEqual([expected.width, expected.height]);
      // Bytes are the float result rounded; float32 weights move it by ≤ 256 · 2⁻²⁴, far below 0.01.
      let worst = 0;
      expected.rgba.forEach((v, i) => (worst = Math.max(worst, Math.abs((out.data[i] as number) - v))));
      expect(worst).toBeLessThanOrEqual(0.51);
    },
  );

  it('halving averages 2×2 blocks; doubling interpolates between centres and clamps at the edges', () => {
    const image = rgba(2, 2, (x, y) => [x === 0 && y === 0 ? 200 : 0, 0, 0, 255]);
    expect(resizeBilinear(image, 1, 1).data[0]).toBe(50);
    const line = rgba(2, 1, (x) => [x * 100, 0, 0, 255]);
    expect(Array.from(resizeBilinear(line, 4, 1).data.filter((_, i) => i % 4 === 0))).toEqual([0, 25, 75, 100]);
  });

  it('returns the same image at the same size and refuses a size that is not a positive integer', () => {
    expect(resizeBilinear(source, 7, 5)).toBe(source);
    expect(() => resizeBilinear(source, 0, 5)).toThrow(/positive integers, got 0×5/);
    expect(() => resizeBilinear(source, 2.5, 5)).toThrow(/2\.5×5/);
  });
});
