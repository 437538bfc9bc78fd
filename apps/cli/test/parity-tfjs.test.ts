import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, saveLayersModel, tempDir } from './helpers.js';

const W = [1, -2, 0.5, 3, -1, 0.25];
const A = [0.9, -0.4, 1.3];
const B = [-0.7, 1.2, 0.35];

describe('ig explain --input NAME=FILE on a two-input TensorFlow.js layers model', () => {
  let dir: string;
  let model: string;
  beforeAll(async () => {
    dir = tempDir('parity-tfjs');
    await tf.setBackend('cpu');
    const a = tfl.input({ shape: [3], name: 'a' });
    const b = tfl.input({ shape: [3], name: 'b' });
    const product = tfl.layers.multiply().apply([a, b]) as tfl.SymbolicTensor;
    const logits = tfl.layers.dense({ units: 2, useBias: false, name: 'logits' }).apply(product) as tfl.SymbolicTensor;
    const built = tfl.model({ inputs: [a, b], outputs: logits });
    built.setWeights([tf.tensor2d(W, [3, 2])]);
    model = await saveLayersModel(built, join(dir, 'model'));
    writeFileSync(join(dir, 'a.npy'), formatNpy(Float32Array.from(A), [1, 3]));
    writeFileSync(join(dir, 'b.npy'), formatNpy(Float32Array.from(B), [1, 3]));
  });

  it('gives each input half of every product term: y_j = Σ a_k b_k W_kj is quadratic along the path', () => {
    const out = join(dir, 'attr.npy');
    const run = ig([
      'explain',
      '--model',
      model,
      '--input',
      `b=${join(dir, 'b.npy')}`,
      '--input',
      `a=${join(dir, 'a.npy')}`,
      '--target',
      '1',
      '--steps',
      '8',
      '--out',
      out,
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // ∫₀¹ ∂f/∂a_k(αa, αb)·a_k dα = ∫ α b_k W_k1 a_k dα = a_k b_k W_k1 / 2, and the same for b_k.
    const expected = A.map((a, k) => (a * (B[k] as number) * (W[2 * k + 1] as number)) / 2);
    for (const name of ['a', 'b']) {
      const got = readFloat32Npy(join(dir, `attr-${name}.npy`)).data;
      // Gauss–Legendre is exact on this quadratic; float32 rounding measured ≤ 6.5e-8.
      const deviation = Math.max(...got.map((v, k) => Math.abs(v - (expected[k] as number))));
      if (process.env['IG_MEASURE']) console.log(`tfjs two inputs, ${name}: max deviation ${deviation.toExponential(2)}`);
      expect(deviation).toBeLessThan(3e-7);
    }
  });
});
