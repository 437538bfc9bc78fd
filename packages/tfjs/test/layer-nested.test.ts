import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, test } from 'vitest';
import type { Tensor } from '@ig/core';
import { layerIntegratedGradients, UnsupportedModelError } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { denseWeights, relativeDeviation, riemannIG } from './helpers/riemann-ig.js';
import { measure } from '@ig/browser-harness/measure';

const seeded = (seed: number): ReturnType<typeof tf.initializers.glorotNormal> => tf.initializers.glorotNormal({ seed });

/** The transfer-learning layout: a Sequential `base` applied once inside a functional model. */
function transferModel(): { full: tf.LayersModel; base: tf.Sequential; mix: tf.layers.Layer; out: tf.layers.Layer } {
  const base = tf.sequential({
    name: 'base',
    layers: [
      tf.layers.dense({ inputShape: [4], units: 5, activation: 'tanh', kernelInitializer: seeded(1), biasInitializer: 'ones' }),
      tf.layers.dense({ units: 3, activation: 'tanh', kernelInitializer: seeded(2) }),
    ],
  });
  const mix = tf.layers.dense({ units: 4, activation: 'tanh', name: 'mix', kernelInitializer: seeded(3) });
  const out = tf.layers.dense({ units: 2, name: 'out', kernelInitializer: seeded(4), biasInitializer: 'ones' });
  const input = tf.input({ shape: [4] });
  const output = out.apply(mix.apply(base.apply(input))) as tf.SymbolicTensor;
  return { full: tf.model({ name: 'full', inputs: input, outputs: output }), base, mix, out };
}

beforeAll(() => useBackend('cpu'));

test('attribution at a nested Sequential equals IG of the head after it, by a 2000-point Riemann sum of tf.grad', async () => {
  const { full, base, mix, out } = transferModel();
  // base also serves a second model: its calls there do not count as calls in 'full'
  const other = tf.input({ shape: [4] });
  tf.model({ inputs: other, outputs: base.apply(other) as tf.SymbolicTensor });
  const x: Tensor = { data: Float32Array.from([1, -2, 0.5, 3]), shape: [1, 4] };
  const x0: Tensor = { data: Float32Array.from([0.2, 0.1, -0.3, 0]), shape: [1, 4] };
  const result = await layerIntegratedGradients(full, 'base', x, { target: 1, baselines: x0 });

  const activation = (t: Tensor): Float32Array => tf.tidy(() => (base.predict(tf.tensor(t.data, [1, 4])) as tf.Tensor).dataSync() as Float32Array);
  expect(result.layerInput.shape).toEqual([1, 3]);
  expect(Array.from(result.layerInput.data)).toEqual(Array.from(activation(x)));
  expect(Array.from(result.layerBaseline.data)).toEqual(Array.from(activation(x0)));

  // The head written from its weights: out(tanh(h·Wm + bm)), column 1.
  const [wm, bm] = denseWeights(mix);
  const [wo, bo] = denseWeights(out);
  const head = (h: tf.Tensor): tf.Tensor =>
    tf
      .add(tf.matMul(tf.tanh(tf.add(tf.matMul(h as tf.Tensor2D, wm as tf.Tensor2D), bm)), wo as tf.Tensor2D), bo)
      .slice([0, 1], [-1, 1])
      .reshape([-1]);
  const expected = riemannIG(head, activation(x), activation(x0), [3]);
  const deviation = relativeDeviation(result.attribution.data, expected);

  // F from the whole model, by predict; F(x) and F(x′) are near 1 (bias ones), so their float32
  // rounding sets the scale of the completeness check.
  const logit = (t: Tensor): number => tf.tidy(() => (full.predict(tf.tensor(t.data, [1, 4])) as tf.Tensor).dataSync()[1] as number);
  const sum = result.attribution.data.reduce((a, b) => a + b, 0);
  const [fx, fx0] = [logit(x), logit(x0)];
  const completeness = Math.abs(sum - (fx - fx0)) / Math.max(Math.abs(fx), Math.abs(fx0));
  measure('nested submodel', { deviation, completeness });
  // measured 3.3e-8 of max |attr| (Gauss–Legendre 50 against the Riemann sum, float32 gradients)
  expect(deviation).toBeLessThan(2e-7);
  // measured 4.9e-8 of max(|F(x)|, |F(x′)|): float32 rounding of the logits
  expect(completeness).toBeLessThan(2e-7);
  expect(Object.prototype.hasOwnProperty.call(base, 'call')).toBe(false);
  full.dispose();
});

test('a nested Sequential applied twice is refused as called 2 times', async () => {
  const { base } = transferModel();
  const left = tf.input({ shape: [4] });
  const right = tf.input({ shape: [4] });
  const joined = tf.layers.concatenate().apply([base.apply(left) as tf.SymbolicTensor, base.apply(right) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const twice = tf.model({ name: 'twice', inputs: [left, right], outputs: tf.layers.dense({ units: 1 }).apply(joined) as tf.SymbolicTensor });
  const x: Tensor = { data: new Float32Array(4).fill(1), shape: [1, 4] };
  const run = layerIntegratedGradients(twice, 'base', [x, x], { target: 0 });
  await expect(run).rejects.toBeInstanceOf(UnsupportedModelError);
  await expect(layerIntegratedGradients(twice, 'base', [x, x], { target: 0 })).rejects.toThrow("layer 'base' is called 2 times in a forward pass of 'twice'");
  twice.dispose();
});
