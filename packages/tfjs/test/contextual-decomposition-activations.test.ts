import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjsContextualDecomposition } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { ACTIVATIONS, erf } from './helpers/float64-math.js';

// Each activation and activation layer alone, decomposed under masks, against the closed form of
// its rule in float64: acd's ReLU rule (rel' = f(r)) for the ReLU family, the CD paper's Shapley
// split for smooth functions (f(0) irrelevant), and for x·g(x) the split gate times x with g(0)
// given back to the relevant side, as @ig/onnx splits Sigmoid·x and Gelu.
const SIZE = 12;
type Closed = (r: number, i: number, feature: number) => number;

const shapley =
  (f: (v: number) => number): Closed =>
  (r, i) =>
    0.5 * (f(r) - f(0) + (f(r + i) - f(i)));
const gated =
  (g: (v: number) => number): Closed =>
  (r, i) =>
    (shapley(g)(r, i, 0) + g(0)) * r;
/** The float64 reference of a tfjs activation (helpers/float64-math.ts). */
const at = (name: string): ((v: number) => number) => ACTIVATIONS[name] as (v: number) => number;
const slope = (feature: number): number => 0.05 * feature - 0.2;

const activations: Readonly<Record<string, Closed>> = {
  relu: (r) => at('relu')(r),
  relu6: (r) => Math.min(6, Math.max(0, r)),
  ...Object.fromEntries(['tanh', 'sigmoid', 'hardSigmoid', 'elu', 'selu', 'softplus', 'softsign', 'mish'].map((name) => [name, shapley(at(name))])),
  swish: gated(at('sigmoid')),
  gelu: gated((v) => 0.5 * (1 + erf(v / Math.SQRT2))),
  gelu_new: gated((v) => 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))),
};

const layers: readonly (readonly [string, () => tf.layers.Layer, Closed])[] = [
  ['ReLU with maxValue 6 (acd: ReLU6 is a ReLU)', () => tf.layers.reLU({ inputShape: [SIZE], maxValue: 6 }), (r) => Math.min(6, Math.max(0, r))],
  ['LeakyReLU', () => tf.layers.leakyReLU({ inputShape: [SIZE], alpha: 0.2 }), (r) => (r > 0 ? r : 0.2 * r)],
  [
    'PReLU with a slope per feature',
    () => tf.layers.prelu({ inputShape: [SIZE], alphaInitializer: tf.initializers.constant({ value: 0 }) }),
    (r, _i, feature) => (r > 0 ? r : slope(feature) * r),
  ],
  ['ThresholdedReLU', () => tf.layers.thresholdedReLU({ inputShape: [SIZE], theta: 0.5 }), (r) => (r > 0.5 ? r : 0)],
  ['ELU (tfjs takes alpha 1 only)', () => tf.layers.elu({ inputShape: [SIZE] }), shapley(at('elu'))],
];

async function expectClosedForm(layer: tf.layers.Layer, closed: Closed): Promise<void> {
  const model = tf.sequential({ layers: [layer] });
  if (layer.getClassName() === 'PReLU') layer.setWeights([tf.tensor(Array.from({ length: SIZE }, (_, k) => slope(k)))]);
  const x = Float32Array.from({ length: SIZE }, (_, k) => -3 + (6 * ((k * 7) % SIZE)) / (SIZE - 1) + 0.05 * k);
  const masks = Float32Array.from({ length: 4 * SIZE }, (_, k) => (k < SIZE ? 1 : k < 2 * SIZE ? 0 : (k * 5) % 3 === 0 ? 1 : 0));
  const output = (model.predict(tf.tensor(x, [1, SIZE])) as tf.Tensor).dataSync();
  const { relevant, irrelevant } = await tfjsContextualDecomposition(model).decompose(x, [SIZE], masks, 4);
  for (let k = 0; k < 4 * SIZE; k++) {
    const m = masks[k] as number;
    const v = x[k % SIZE] as number;
    // float32 on values up to ~3.5: measured deviations up to 3.1e-7 (gelu: tfjs's erf approximation)
    expect(Math.abs((relevant[k] as number) - closed(m * v, (1 - m) * v, k % SIZE))).toBeLessThan(1e-6);
    expect(Math.abs((relevant[k] as number) + (irrelevant[k] as number) - (output[k % SIZE] as number))).toBeLessThan(1e-6);
  }
  model.dispose();
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('tfjsContextualDecomposition of every activation but softmax: the closed form of each rule', () => {
  for (const [name, closed] of Object.entries(activations)) {
    test(`activation ${name}`, () => expectClosedForm(tf.layers.activation({ inputShape: [SIZE], activation: name as 'relu' }), closed));
  }
  for (const [name, layer, closed] of layers) test(`${name} layer`, () => expectClosedForm(layer(), closed));
});
