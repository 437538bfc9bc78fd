/**
 * Image-only options (--size, --channels, --normalize, --mean, --std) do nothing to an array
 * input, which is given as the model takes it: they are refused for one, naming the option and
 * the file; --layout is checked against an array's axes as against an image's. A batch folder
 * mixing images and arrays applies them to the images and says once that the arrays go as they
 * are. The model is linear (logits = W · flatten(x) on [N, 3, 12, 20]), so IG from a zero
 * baseline is x · W[0] exactly and the attributions divided by W give back the input tensor.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { files, folderOf, weightRow } from './input-file-fixtures.js';

const model = files('linear_rgb.onnx');
const array = files('x_f4.npy');
const run = (command: string, input: string, args: readonly string[]) =>
  ig([command, '--model', model, '--input', input, '--target', '0', '--steps', '4', ...args, '-q']);

describe('image options with an array input', () => {
  const given: [string, readonly string[]][] = [
    ['--normalize', ['--normalize', 'imagenet']],
    ['--size', ['--size', '8']],
    ['--channels', ['--channels', '1']],
    ['--mean', ['--mean', '0.5']],
    ['--std', ['--std', '0.5']],
  ];
  for (const command of ['explain', 'check']) {
    it(`${command} refuses each of them, naming it and the file`, () => {
      for (const input of [array, files('x.npz')]) {
        for (const [option, args] of given) {
          const result = run(command, input, args);
          expect(result.code, `${command} ${option} ${input}`).toBe(2);
          expect(result.stderr).toContain(`${option} applies to image inputs; ${input} is an array, given as the model takes it`);
        }
      }
    });
  }

  it('hierarchy refuses --normalize', () => {
    const result = ig(['hierarchy', '--model', model, '--input', array, '--target', '0', '--normalize', 'imagenet', '-q']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--normalize applies to image inputs; ${array} is an array, given as the model takes it`);
  });

  it('checks --layout against the array as against an image: nhwc refused on an NCHW array, nchw accepted and changing nothing', () => {
    const refused = run('explain', array, ['--layout', 'nhwc', '--baseline', 'blur']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--layout nhwc reads the model input [?, 3, 12, 20] as 20 channels on axis 3; its axis 1 holds 3: use --layout nchw');
    const dir = tempDir('array-layout');
    expect(run('explain', array, ['--baseline', 'blur', '--out', join(dir, 'plain.npy')]).code).toBe(0);
    expect(run('explain', array, ['--baseline', 'blur', '--layout', 'nchw', '--out', join(dir, 'nchw.npy')]).code).toBe(0);
    expect(Array.from(readFloat32Npy(join(dir, 'nchw.npy')).data)).toEqual(Array.from(readFloat32Npy(join(dir, 'plain.npy')).data));
  });
});

describe('image options in a batch mixing images and arrays', () => {
  const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
  const batch = (inputs: string, out: string, args: readonly string[]) =>
    ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', out, '--target', '0', '--steps', '4', '--no-cache', ...args]);

  it('normalizes the image items, gives the array items as they are, and says so once', () => {
    const dir = tempDir('batch-mixed-options');
    const inputs = folderOf(dir, 'in', { 'a.npy': 'x_f4.npy', 'b.npy': 'x_f4.npy', 'c.png': 'rgb8.png' });
    const plain = batch(inputs, join(dir, 'plain'), []);
    expect(plain.code, plain.stderr).toBe(0);
    const normalized = batch(inputs, join(dir, 'normalized'), ['--normalize', 'imagenet']);
    expect(normalized.code, normalized.stderr).toBe(0);
    const warning = `warning: --normalize applies to the image inputs of --inputs ${inputs}; its 2 array inputs are given as the model takes them`;
    expect(normalized.stderr.split(warning)).toHaveLength(2);
    const attributions = (run: string, id: string) => readFloat32Npy(join(dir, run, `${id}.npy`)).data;
    for (const id of ['a', 'b']) expect(Array.from(attributions('normalized', id))).toEqual(Array.from(attributions('plain', id)));
    // The image: input values (a / W) are (pixel − mean) / std of each channel (240 values each).
    const w = weightRow('linear_rgb');
    const before = attributions('plain', 'c');
    const after = attributions('normalized', 'c');
    after.forEach((a, i) => {
      const c = Math.floor(i / 240);
      const expected = ((before[i] as number) / (w[i] as number) - (IMAGENET.mean[c] as number)) / (IMAGENET.std[c] as number);
      expect(a / (w[i] as number)).toBeCloseTo(expected, 4);
    });
  });

  it('refuses them for a folder of arrays only, before computing anything', () => {
    const dir = tempDir('batch-array-options');
    const inputs = folderOf(dir, 'in', { 'a.npy': 'x_f4.npy', 'b.npz': 'x_compressed.npz' });
    const result = batch(inputs, join(dir, 'out'), ['--size', '8']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--size applies to image inputs; every input of --inputs ${inputs} is an array, given as the model takes it`);
  });
});
