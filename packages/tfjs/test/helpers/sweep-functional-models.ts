import * as tf from '@tensorflow/tfjs';
import type { CoverageModel } from './unseen-models.js';

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
const normal = (seed: number, stddev = 0.3) => tf.initializers.randomNormal({ seed, stddev });
const L = tf.layers;
/** No bias: tanh(α·u) > tanh(α·v) wherever u > v, so Maximum and Minimum pick the same side all along the path from zero. */
const branch = (input: tf.SymbolicTensor, seed: number): tf.SymbolicTensor =>
  L.dense({ units: 4, activation: 'tanh', useBias: false, kernelInitializer: glorot(seed) }).apply(input) as tf.SymbolicTensor;

/**
 * Inputs a [5] and b [3], a tanh branch each, joined by Multiply, Average, Maximum, Minimum and
 * Dot, concatenated → Dense(3). tfjs-layers 4.22 has no Subtract layer.
 */
export function mergeLayers(): CoverageModel {
  const a = tf.input({ shape: [5], name: 'a' });
  const b = tf.input({ shape: [3], name: 'b' });
  const [left, right] = [branch(a, 301), branch(b, 303)];
  const joined = [L.multiply(), L.average(), L.maximum(), L.minimum(), L.dot({ axes: -1 })].map((layer) => layer.apply([left, right]) as tf.SymbolicTensor);
  const all = L.concatenate().apply(joined) as tf.SymbolicTensor;
  const out = L.dense({ units: 3, kernelInitializer: glorot(305), biasInitializer: normal(306) }).apply(all) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: [a, b], outputs: out }), shapes: [[5], [3]] };
}

/**
 * [6] → a Sequential (Dense(5, tanh) → Dense(4, softplus)) used as one layer → two heads, 'first'
 * Dense(3) and 'second' Dense(2); IG explains the head chosen by name.
 */
export function nestedSequentialTwoHeads(): CoverageModel {
  const inner = tf.sequential({
    name: 'inner',
    layers: [
      L.dense({ inputShape: [6], units: 5, activation: 'tanh', kernelInitializer: glorot(307), biasInitializer: normal(308) }),
      L.dense({ units: 4, activation: 'softplus', kernelInitializer: glorot(309), biasInitializer: normal(310) }),
    ],
  });
  const x = tf.input({ shape: [6], name: 'x' });
  const hidden = inner.apply(x) as tf.SymbolicTensor;
  const first = L.dense({ name: 'first', units: 3, kernelInitializer: glorot(311) }).apply(hidden) as tf.SymbolicTensor;
  const second = L.dense({ name: 'second', units: 2, kernelInitializer: glorot(312), biasInitializer: normal(313) }).apply(hidden) as tf.SymbolicTensor;
  return { model: tf.model({ inputs: x, outputs: [first, second] }), shapes: [[6]] };
}
