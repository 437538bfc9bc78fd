import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from './helpers.js';

const ASSETS = fileURLToPath(new URL('../assets/', import.meta.url));

/** The graph cache entries of `dir` with their modification times. */
const entries = (dir: string): [string, number][] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.iggraph'))
    .sort()
    .map((f) => [f, statSync(join(dir, f)).mtimeMs]);

describe('ig hierarchy keeps the gradient graphs of integrated-gradients scores in the graph cache', () => {
  it.each([
    ['a text', ['--model', join(ASSETS, 'text', 'spam.onnx'), '--text', 'Win a free cruise now']],
    ['an image tensor', ['--model', join(ASSETS, 'small_cnn.onnx'), '--input', join(ASSETS, 'sample0.npy')]],
  ])('%s: --cache-dir is filled by the first run and read by the second, with the same tree; --no-cache writes nothing', (_what, input) => {
    const cwd = tempDir('hierarchy-cache');
    const dir = join(cwd, 'graphs');
    const args = ['hierarchy', ...input, '--score', 'integrated-gradients', '--steps', '8', '--iterations', '2'];
    // The tree without its wall time.
    const tree = (file: string): unknown => ({ ...(JSON.parse(readFileSync(join(cwd, file), 'utf8')) as object), seconds: 0 });
    expect(ig([...args, '--cache-dir', dir, '--json', 'a.json'], { cwd }).code).toBe(0);
    const written = entries(dir);
    expect(written.length).toBeGreaterThan(0);
    expect(ig([...args, '--cache-dir', dir, '--json', 'b.json'], { cwd }).code).toBe(0);
    // Read back, not rebuilt: the same files, untouched, and the same tree.
    expect(entries(dir)).toEqual(written);
    expect(tree('b.json')).toEqual(tree('a.json'));
    const unused = join(cwd, 'unused');
    expect(ig([...args, '--no-cache', '--cache-dir', unused, '--json', 'c.json'], { cwd }).code).toBe(0);
    expect(() => readdirSync(unused)).toThrow();
    expect(tree('c.json')).toEqual(tree('a.json'));
  });
});
