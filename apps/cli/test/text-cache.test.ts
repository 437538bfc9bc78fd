import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from './helpers.js';

const model = fileURLToPath(new URL('../assets/text/spam.onnx', import.meta.url));

const attributions = (cwd: string, file: string): number[] =>
  (JSON.parse(readFileSync(join(cwd, file), 'utf8')) as { samples: { tokenAttributions: number[] }[] }).samples[0]?.tokenAttributions ?? [];

describe('ig explain --text keeps its gradient graphs in the graph cache', () => {
  it('--cache-dir is filled by the first run and read by the second, with the same attributions; --no-cache writes nothing', () => {
    const cwd = tempDir('text-cache');
    const dir = join(cwd, 'graphs');
    const args = ['explain', '--model', model, '--text', 'Win a free cruise now', '--target', '1', '--steps', '16'];
    expect(ig([...args, '--cache-dir', dir, '--json', 'a.json'], { cwd }).code).toBe(0);
    const entries = readdirSync(dir).filter((f) => f.endsWith('.iggraph'));
    expect(entries.length).toBeGreaterThan(0);
    const written = entries.map((f) => statSync(join(dir, f)).mtimeMs);
    expect(ig([...args, '--cache-dir', dir, '--json', 'b.json'], { cwd }).code).toBe(0);
    // Read back, not rebuilt: the same entries, and bit-identical attributions.
    expect(readdirSync(dir).filter((f) => f.endsWith('.iggraph'))).toEqual(entries);
    expect(entries.map((f) => statSync(join(dir, f)).mtimeMs)).toEqual(written);
    expect(attributions(cwd, 'b.json')).toEqual(attributions(cwd, 'a.json'));
    const empty = join(cwd, 'unused');
    expect(ig([...args, '--no-cache', '--cache-dir', empty, '--json', 'c.json'], { cwd }).code).toBe(0);
    expect(() => readdirSync(empty)).toThrow();
    expect(attributions(cwd, 'c.json')).toEqual(attributions(cwd, 'a.json'));
  });
});
