import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNpy, parseNpy, toFloat32 } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { files, maxDifference, weightRow } from './input-file-fixtures.js';

/*
 * Array inputs and output files, on the file variants of test/fixtures/files (make_files.py). The models are linear,
 * logits = W · flatten(x) on [N, 3, 12, 20] (and [N, 3, 20, 12]), so IG from a zero baseline is
 * x · W[target] exactly: dividing the attributions by W gives back the input tensor the CLI built,
 * compared with Pillow's pixels / 255 (see input-file-fixtures.ts).
 */

describe('.npy inputs as NumPy writes them', () => {
  const explain = (input: string, out: string): ReturnType<typeof ig> =>
    ig(['explain', '--model', files('linear_rgb.onnx'), '--input', input, '--target', '0', '--steps', '4', '--out', out, '-q', '--no-cache']);
  const x = toFloat32(parseNpy(readFileSync(files('x_f4.npy'))));

  it('big-endian Fortran-ordered int16, float16, .npz (stored and compressed) and a leading batch of 1 past the model’s rank give x · W', () => {
    const dir = tempDir('npy-variants');
    const extra = join(dir, 'extra batch.npy');
    writeFileSync(extra, formatNpy(x, [1, 1, 3, 12, 20]));
    for (const [input, scale] of [
      [files('x_be_fortran_i2.npy'), 4],
      [files('x_f2.npy'), 1],
      [files('x_nobatch.npy'), 1],
      [files('x.npz'), 1],
      [files('x_compressed.npz'), 1],
      [extra, 1],
    ] as const) {
      const out = join(dir, 'a.npy');
      const run = explain(input, out);
      expect(run.stderr).toBe('');
      const attributions = readFloat32Npy(out);
      expect(attributions.shape).toEqual([1, 3, 12, 20]);
      const w = weightRow('linear_rgb');
      expect(
        maxDifference(
          Array.from(attributions.data),
          Array.from(x, (v, i) => scale * v * (w[i] as number)),
        ),
      ).toBeLessThan(1e-5 * 16 * scale);
    }
  });

  it.each([
    ['x_wrong_shape.npy', /input .*x_wrong_shape\.npy has shape \[1, 2, 12, 20\] but the model takes \[\?, 3, 12, 20\]/],
    ['x_1d.npy', /input .*x_1d\.npy has shape \[720\] but the model takes \[\?, 3, 12, 20\]/],
    ['x_scalar.npy', /x_scalar\.npy: holds a scalar; the input needs a batch axis/],
    ['x_nan.npy', /x_nan\.npy: NaN at index \[0, 1, 2, 3\] \(flat 283\); inputs must be finite numbers/],
    ['two.npz', /two\.npz: holds 2 arrays \(image, label\); ig reads an \.npz of one array: np\.save\('x\.npy', np\.load\('.*two\.npz'\)\['image'\]\)/],
    ['objects.npy', /objects\.npy: holds Python objects/],
  ])('%s: one line naming the file and the problem', (name, message) => {
    const run = explain(files(name), join(tempDir('npy-bad'), 'a.npy'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a float64 value beyond float32’s range is named as it is in the file, not as the Infinity it would become', () => {
    const dir = tempDir('npy-f64-range');
    const input = join(dir, 'x_f8_big.npy');
    const values = Float64Array.from(x);
    values[283] = -1e300;
    writeFileSync(input, formatNpy(values, [1, 3, 12, 20]));
    const run = explain(input, join(dir, 'a.npy'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/x_f8_big\.npy: -1e\+300 at index \[0, 1, 2, 3\] \(flat 283\) is beyond float32's range/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a NaN in a baseline file is named by its index too', () => {
    const run = ig([
      'explain',
      '--model',
      files('linear_rgb.onnx'),
      '--input',
      files('x_f4.npy'),
      '--baseline',
      files('x_inf.npy'),
      '--target',
      '0',
      '-q',
      '--no-cache',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/x_inf\.npy: -Infinity at index \[0, 2, 0, 1\] \(flat 481\)/);
  });
});

describe('output files that cannot be written are refused before any work', () => {
  // The model does not exist: an error about the output proves the outputs were checked first.
  const refused = (args: string[]): ReturnType<typeof ig> =>
    ig(['explain', '--model', join(tempDir('no-model'), 'missing.onnx'), '--input', files('x_f4.npy'), '--target', '0', ...args]);

  it('a folder that does not exist, a file in place of a folder, a folder in place of the file, two options on one file', () => {
    const dir = tempDir('outputs');
    writeFileSync(join(dir, 'afile'), '');
    expect(refused(['--out', join(dir, 'nowhere', 'a.npy')]).stderr).toBe(
      `error: cannot write --out ${join(dir, 'nowhere', 'a.npy')}: folder ${join(dir, 'nowhere')} does not exist\n`,
    );
    expect(refused(['--json', join(dir, 'afile', 'r.json')]).stderr).toBe(
      `error: cannot write --json ${join(dir, 'afile', 'r.json')}: ${join(dir, 'afile')} is not a folder\n`,
    );
    expect(refused(['--heatmap', dir]).stderr).toBe(`error: cannot write --heatmap ${dir}: ${dir} is a folder; name a file\n`);
    expect(refused(['--out', join(dir, 'a.npy'), '--json', join(dir, '.', 'a.npy')]).stderr).toBe(
      `error: --out and --json both name ${join(dir, 'a.npy')}; give each output its own file\n`,
    );
    expect(readdirSync(dir)).toEqual(['afile']);
    const hierarchy = ig(['hierarchy', '--model', 'missing.onnx', '--input', files('x_f4.npy'), '--html', join(dir, 'no', 'h.html')]);
    expect(hierarchy.stderr).toMatch(/^error: cannot write --html .*no\/h\.html: folder .*no does not exist\n$/);
    const check = ig(['check', '--model', 'missing.onnx', '--input', files('x_f4.npy'), '--json', join(dir, 'afile', 'c.json')]);
    expect(check.stderr).toMatch(/^error: cannot write --json .*afile\/c\.json: .*afile is not a folder\n$/);
  });

  it('a read-only folder: refused for an ordinary user; root may write there, and gets the whole file', () => {
    const dir = tempDir('read-only');
    chmodSync(dir, 0o555);
    const out = join(dir, 'a.npy');
    if (process.getuid?.() === 0) {
      const run = ig(['explain', '--model', files('linear_rgb.onnx'), '--input', files('x_f4.npy'), '--target', '0', '--out', out, '-q', '--no-cache']);
      expect(run.code).toBe(0);
      expect(readFloat32Npy(out).shape).toEqual([1, 3, 12, 20]);
    } else {
      expect(refused(['--out', out]).stderr).toBe(`error: cannot write --out ${out}: permission denied in ${dir}\n`);
    }
    chmodSync(dir, 0o755);
  });
});
