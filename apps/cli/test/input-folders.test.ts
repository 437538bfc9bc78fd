import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, toFloat32 } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { files, folderOf, maxDifference, weightRow } from './input-file-fixtures.js';

/*
 * Folders of inputs, from the file variants of test/fixtures/files (make_files.py). The models are linear,
 * logits = W · flatten(x) on [N, 3, 12, 20] (and [N, 3, 20, 12]), so IG from a zero baseline is
 * x · W[target] exactly: dividing the attributions by W gives back the input tensor the CLI built,
 * compared with Pillow's pixels / 255 (see input-file-fixtures.ts).
 */

describe('ig batch over a folder of arrays and images of every kind', () => {
  it('takes .npz arrays as items, fails each image format it cannot read as an item naming the format, and passes over other files', () => {
    const dir = tempDir('batch-kinds');
    const inputs = folderOf(dir, 'in', { 'a.npy': 'x_f4.npy', 'b.npz': 'x_compressed.npz', 'c.gif': 'image.gif', 'd.webp': 'image.webp' });
    writeFileSync(join(inputs, 'notes.txt'), 'not an input');
    const out = join(dir, 'out');
    const run = ig(['batch', '--model', files('linear_rgb.onnx'), '--inputs', inputs, '--out-dir', out, '--target', '0', '--steps', '4', '--no-cache', '-q']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: 2 of 4 inputs failed \(first: .*c\.gif.*a GIF image/);
    const summary = readFileSync(join(out, 'summary.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; status: string; error?: string });
    expect(summary.map((line) => [line.id, line.status])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
      ['c', 'error'],
      ['d', 'error'],
    ]);
    expect(summary[3]?.error).toMatch(/d\.webp.*a WebP image/);
    // Both files hold the same array: a linear model gives x · W[0] for each, bit for bit.
    expect(Array.from(readFloat32Npy(join(out, 'b.npy')).data)).toEqual(Array.from(readFloat32Npy(join(out, 'a.npy')).data));
    const x = toFloat32(parseNpy(readFileSync(files('x_f4.npy'))));
    // Float32 rounding of x · W · Σ weights: measured 2.4e-6.
    expect(
      maxDifference(
        Array.from(readFloat32Npy(join(out, 'a.npy')).data),
        Array.from(x, (v, i) => v * (weightRow('linear_rgb')[i] as number)),
      ),
    ).toBeLessThan(1e-5);
  });
});

describe('--baseline-set folders', () => {
  it('a GIF among the baselines is refused naming its format, not left out of the set', () => {
    const set = folderOf(tempDir('baseline-set-kinds'), 'set', { 'a.npy': 'x_f4.npy', 'b.gif': 'image.gif' });
    const run = ig([
      'explain',
      '--model',
      files('linear_rgb.onnx'),
      '--input',
      files('x_f4.npy'),
      '--target',
      '0',
      '--algorithm',
      'expected-gradients',
      '--baseline-set',
      set,
      '--samples',
      '4',
      '--no-cache',
      '-q',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*b\.gif: is a GIF image; ig reads PNG and JPEG images/);
  });
});
