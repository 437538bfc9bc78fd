import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';
import { tfjsBackend, type TfjsFunction } from '../src/index.js';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import { pointOf } from './helpers/unseen-models.js';

/**
 * Resizes and mirror padding are linear, so the gradient of Σⱼ wⱼ·f(x)ⱼ is Jᵀw at every point,
 * and column i of J is f applied to the basis image eᵢ: the forward kernel alone, with the sum
 * over j taken in float64, is an independent truth for the gradient kernels.
 */
const SHAPE: [number, number, number] = [6, 7, 2];
const OPS: readonly (readonly [string, (x: tf.Tensor4D) => tf.Tensor])[] = [
  ['resizeBilinear to 9×5', (x) => tf.image.resizeBilinear(x, [9, 5])],
  ['resizeBilinear alignCorners', (x) => tf.image.resizeBilinear(x, [9, 5], true)],
  ['resizeBilinear halfPixelCenters', (x) => tf.image.resizeBilinear(x, [9, 5], false, true)],
  ['resizeNearestNeighbor to 9×5', (x) => tf.image.resizeNearestNeighbor(x, [9, 5])],
  ['resizeNearestNeighbor halfPixelCenters', (x) => tf.image.resizeNearestNeighbor(x, [13, 4], false, true)],
  [
    'mirrorPad reflect',
    (x) =>
      tf.mirrorPad(
        x,
        [
          [0, 0],
          [2, 1],
          [1, 3],
          [0, 0],
        ],
        'reflect',
      ),
  ],
  [
    'mirrorPad symmetric',
    (x) =>
      tf.mirrorPad(
        x,
        [
          [0, 0],
          [2, 1],
          [1, 3],
          [0, 0],
        ],
        'symmetric',
      ),
  ],
];

/** Jᵀw for one point, from f of every basis image. */
function transposedJacobianTimes(op: (x: tf.Tensor4D) => tf.Tensor, weights: Float32Array): Float64Array {
  const size = SHAPE.reduce((a, b) => a * b, 1);
  const basis = new Float32Array(size * size);
  for (let i = 0; i < size; i++) basis[i * size + i] = 1;
  const columns = tf.tidy(() => op(tf.tensor(basis, [size, ...SHAPE]) as tf.Tensor4D).dataSync());
  const outputs = columns.length / size;
  return Float64Array.from({ length: size }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < outputs; j++) sum += (columns[i * outputs + j] as number) * (weights[j] as number);
    return sum;
  });
}

describe.each(NODE_BACKENDS)('gradients of linear resampling ops on tfjs %s, batch of 3', (backendName) => {
  test.each(OPS)('%s: each point gets Jᵀw with its own output weights', async (name, op) => {
    await useBackend(backendName);
    const f: TfjsFunction = (x) => op(x as tf.Tensor4D);
    const size = SHAPE.reduce((a, b) => a * b, 1);
    const outputs = tf.tidy(() => op(tf.zeros([1, ...SHAPE]) as tf.Tensor4D).size);
    const weights = [0, 1, 2].map((k) => pointOf([outputs], k + 0.25));
    const points = [0, 1, 2].flatMap((k) => Array.from(pointOf(SHAPE, k)));
    const response = await tfjsBackend(f).gradients({
      points: [Float32Array.from(points)],
      pointShapes: [SHAPE],
      count: 3,
      outputWeights: Float32Array.from(weights.flatMap((w) => Array.from(w))),
    });
    const deviation = Math.max(
      ...weights.map((w, k) => relativeDeviation(response.gradients[0]?.subarray(k * size, (k + 1) * size) ?? [], transposedJacobianTimes(op, w))),
    );
    measure(`${backendName} ${name}`, { deviation });
    // float32 sums of a few weighted terms: measured ≤ 9.0e-8 of max |gradient| on cpu; on wasm,
    // whose forward kernel computes bilinear weights in float32 where the adjoint uses float64,
    // ≤ 5.9e-7 (a few float32 ulps)
    expect(deviation).toBeLessThan(backendName === 'wasm' ? 3e-6 : 6e-7);
  });
});
