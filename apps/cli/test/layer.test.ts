import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { ig, readFloat32Npy, tempDir, writeIrisTfjsModel } from './helpers.js';

describe('ig explain --layer', () => {
  let dir: string;
  let model: string;
  beforeAll(async () => {
    dir = tempDir('layer');
    model = await writeIrisTfjsModel(join(dir, 'iris'));
  });

  it.each([
    ['TensorFlow.js layer', 'hidden'],
    ['ONNX intermediate tensor', '/net/net.1/Relu_output_0'],
  ])('%s: the logits are linear in the hidden ReLU output h, so IG is (h(x) − h(0)) · W₂[target]', (_engine, layer) => {
    const out = join(dir, 'hidden.npy');
    const modelPath = layer === 'hidden' ? model : captumModelPath('iris_mlp');
    const run = ig([
      'explain',
      '--model',
      modelPath,
      '--input',
      captumPath('data', 'iris_mlp', 'input_versicolor_row51.npy'),
      '--layer',
      layer,
      '--target',
      '2',
      '--steps',
      '8',
      '--out',
      out,
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const x = readFloat32Npy(captumPath('data', 'iris_mlp', 'input_versicolor_row51.npy')).data;
    const w0 = readFloat32Npy(captumPath('weights', 'iris_mlp', 'net.0.weight.npy')).data; // [16, 4]
    const b0 = readFloat32Npy(captumPath('weights', 'iris_mlp', 'net.0.bias.npy')).data;
    const w2 = readFloat32Npy(captumPath('weights', 'iris_mlp', 'net.2.weight.npy')).data; // [3, 16]
    const hidden = (input: ArrayLike<number>) =>
      Array.from({ length: 16 }, (_, j) =>
        Math.max(0, (b0[j] as number) + [0, 1, 2, 3].reduce((s, i) => s + (w0[j * 4 + i] as number) * (input[i] as number), 0)),
      );
    const hx = hidden(x);
    const h0 = hidden([0, 0, 0, 0]);
    const got = readFloat32Npy(out);
    expect(got.shape).toEqual([1, 16]);
    const expected = hx.map((h, j) => (h - (h0[j] as number)) * (w2[2 * 16 + j] as number));
    const scale = Math.max(...expected.map(Math.abs));
    const worst = Math.max(...expected.map((e, j) => Math.abs((got.data[j] as number) - e)));
    if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ layer, attr: worst / scale }));
    // linear in h, so any rule is exact; float32 against float64: measured 5.7e-8 of max |attr| on both engines
    expect(worst / scale).toBeLessThan(3e-7);
  });

  it('says so when the layer does not exist', () => {
    const run = ig(['explain', '--model', model, '--input', captumPath('data', 'iris_mlp', 'input_versicolor_row51.npy'), '--layer', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--layer nope: the model has no such layer; its layers are hidden, logits/);
    const onnx = ig([
      'explain',
      '--model',
      captumModelPath('iris_mlp'),
      '--input',
      captumPath('data', 'iris_mlp', 'input_versicolor_row51.npy'),
      '--layer',
      'nope',
    ]);
    expect(onnx.code).toBe(2);
    expect(onnx.stderr.trim()).toMatch(/^error: --layer nope: .*nope/);
  });
});
