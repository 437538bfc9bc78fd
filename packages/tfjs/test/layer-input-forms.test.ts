import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import type { Tensor } from '@ig/core';
import { layerIntegratedGradients } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { denseWeights, relativeDeviation, riemannIG } from './helpers/riemann-ig.js';
import { measure } from '@ig/browser-harness/measure';

const seeded = (seed: number): ReturnType<typeof tf.initializers.glorotNormal> => tf.initializers.glorotNormal({ seed });

/** Two inputs: a → h = tanh(a·Wh + bh) (the layer), then out(tanh([h, b]·Wm + bm)). */
function twoInputModel(): { model: tf.LayersModel; hidden: tf.layers.Layer; mix: tf.layers.Layer; out: tf.layers.Layer } {
  const a = tf.input({ shape: [4], name: 'a' });
  const b = tf.input({ shape: [3], name: 'b' });
  const hidden = tf.layers.dense({ units: 5, activation: 'tanh', name: 'h', kernelInitializer: seeded(1), biasInitializer: 'ones' });
  const mix = tf.layers.dense({ units: 4, activation: 'tanh', name: 'mix', kernelInitializer: seeded(2) });
  const out = tf.layers.dense({ units: 2, name: 'out', kernelInitializer: seeded(3) });
  const joined = tf.layers.concatenate().apply([hidden.apply(a) as tf.SymbolicTensor, b]) as tf.SymbolicTensor;
  const model = tf.model({ name: 'two', inputs: [a, b], outputs: out.apply(mix.apply(joined)) as tf.SymbolicTensor });
  return { model, hidden, mix, out };
}

const A = [1, 2, -0.5, 0.3, -1, 0.4, 2, -2];
const B = [1, 0, -1, 0.5, 0.5, -0.5];
const A0 = [0.5, -1, 0, 2];

beforeAll(() => useBackend('cpu'));

test('tf.Tensor inputs, a tf.Tensor baseline and a function baseline give IG of the head by a Riemann sum of tf.grad', async () => {
  const { model, hidden, mix, out } = twoInputModel();
  const inputs = [tf.tensor2d(A, [2, 4]), tf.tensor2d(B, [2, 3])];
  const baselineA = tf.tensor2d(A0, [1, 4]); // one example, spread to both
  const holdB = (input: Tensor): Tensor => input; // b's baseline is b itself: only a moves
  const result = await layerIntegratedGradients(model, 'h', inputs, { target: 1, baselines: [baselineA, holdB] });
  // The same run from plain { data: number[] } tensors gives the same numbers.
  const plain = await layerIntegratedGradients(
    model,
    'h',
    [
      { data: A, shape: [2, 4] },
      { data: B, shape: [2, 3] },
    ],
    { target: 1, baselines: [{ data: A0, shape: [4] }, holdB] },
  );
  expect(Array.from(plain.attribution.data)).toEqual(Array.from(result.attribution.data));

  const [wh, bh] = denseWeights(hidden);
  const [wm, bm] = denseWeights(mix);
  const [wo, bo] = denseWeights(out);
  const layer = (a: number[]): Float32Array =>
    tf.tidy(() => tf.tanh(tf.add(tf.matMul(tf.tensor2d(a, [1, 4]), wh as tf.Tensor2D), bh)).dataSync() as Float32Array);
  let deviation = 0;
  let completeness = 0;
  for (let n = 0; n < 2; n++) {
    const b = tf.tensor2d(B.slice(n * 3, n * 3 + 3), [1, 3]);
    const head = (h: tf.Tensor): tf.Tensor => {
      const joined = tf.concat([h as tf.Tensor2D, tf.tile(b, [h.shape[0] as number, 1])], 1);
      return tf
        .add(tf.matMul(tf.tanh(tf.add(tf.matMul(joined, wm as tf.Tensor2D), bm)), wo as tf.Tensor2D), bo)
        .slice([0, 1], [-1, 1])
        .reshape([-1]);
    };
    const expected = riemannIG(head, layer(A.slice(n * 4, n * 4 + 4)), layer(A0), [5]);
    const attribution = result.attribution.data.subarray(n * 5, n * 5 + 5);
    deviation = Math.max(deviation, relativeDeviation(attribution, expected));
    // completeness against the whole model's predict at x and at the baseline (a0, b)
    const logit = (a: number[]): number => tf.tidy(() => (model.predict([tf.tensor2d(a, [1, 4]), b]) as tf.Tensor).dataSync()[1] as number);
    const [fx, fx0] = [logit(A.slice(n * 4, n * 4 + 4)), logit(A0)];
    const sum = attribution.reduce((s, v) => s + v, 0);
    completeness = Math.max(completeness, Math.abs(sum - (fx - fx0)) / Math.max(Math.abs(fx), Math.abs(fx0)));
    b.dispose();
  }
  measure('layer tf.Tensor inputs and baselines', { deviation, completeness });
  // measured 7.0e-8 of max |attr| (Gauss–Legendre 50 against the 2000-point Riemann sum)
  expect(deviation).toBeLessThan(3e-7);
  // measured 1.7e-8 of max(|F(x)|, |F(x′)|): float32 rounding of the logits
  expect(completeness).toBeLessThan(2e-7);
  tf.dispose([...inputs, baselineA]);
  model.dispose();
});
