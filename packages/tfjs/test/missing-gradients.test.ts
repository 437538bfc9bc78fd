import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { integratedGradients } from '@ig/core';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';
import { tfjsBackend, type TfjsFunction } from '../src/index.js';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import { pointOf } from './helpers/unseen-models.js';
import { OPS, SHAPE, other, transposedJacobianTimes } from './helpers/missing-gradient-ops.js';

describe.each(NODE_BACKENDS)('gradients tfjs has none for, on tfjs %s', (backendName) => {
  // tfjs-backend-wasm has no Einsum kernel, not even a forward one.
  test.each(OPS.filter(([name]) => backendName !== 'wasm' || !name.startsWith('Einsum')))('%s: Jᵀw from the forward kernel', async (name, op) => {
    await useBackend(backendName);
    expect(tf.getGradient(name.split(' ')[0] as string)).toBeUndefined();
    const outputs = tf.tidy(() => op(tf.zeros(SHAPE)).size);
    const weights = pointOf([outputs], 0.25);
    const response = await tfjsBackend(((x: tf.Tensor) => op(tf.reshape(x, SHAPE)).reshape([1, -1])) as TfjsFunction).gradients({
      points: [pointOf(SHAPE, 1)],
      pointShapes: [SHAPE],
      count: 1,
      outputWeights: weights,
    });
    const deviation = relativeDeviation(response.gradients[0] ?? [], transposedJacobianTimes(op, weights));
    measure(`${backendName} ${name}`, { deviation });
    // sums of a few float32 products: exact for the ops that move elements
    expect(deviation).toBeLessThan(3e-7);
  });

  test('TopK: each value gets its weight back at the position it came from (no ties)', async () => {
    await useBackend(backendName);
    const x = pointOf([3, 7], 2);
    const weights = pointOf([3 * 3], 0.5);
    const f: TfjsFunction = (t) => tf.topk(t as tf.Tensor2D, 3).values.reshape([1, -1]);
    const { gradients } = await tfjsBackend(f).gradients({ points: [x], pointShapes: [[3, 7]], count: 1, outputWeights: weights });
    const expected = new Float32Array(21);
    for (let row = 0; row < 3; row++) {
      const order = [...Array(7).keys()].sort((a, b) => (x[row * 7 + b] as number) - (x[row * 7 + a] as number));
      order.slice(0, 3).forEach((position, k) => (expected[row * 7 + position] = weights[row * 3 + k] as number));
    }
    expect(Array.from(gradients[0] ?? [])).toEqual(Array.from(expected));
  });

  test('IG through a CLS-pooled head with a gather: Σ attributions = F(x) − F(0)', async () => {
    await useBackend(backendName);
    const head = (t: tf.Tensor): tf.Tensor => {
      const tokens = tf.reshape(t, [-1, 4, 6]);
      const mixed = tf.tanh(tf.matMul(tokens, tf.broadcastTo(other(), [tokens.shape[0] as number, 6, 3])));
      const pooled = tf.stridedSlice(mixed, [0, 0, 0], [0, 1, 0], [1, 1, 1], 5, 5, 0, 0, 2) as tf.Tensor2D;
      const picked = tf.gatherND(tf.transpose(pooled), tf.tensor2d([[2], [0], [2]], [3, 1], 'int32'));
      return tf.matMul(tf.transpose(picked), tf.tensor2d(pointOf([3, 2], 3), [3, 2]));
    };
    const input = { data: pointOf([24], 1.5), shape: [1, 24] };
    const result = await integratedGradients(tfjsBackend(head as TfjsFunction), input, { target: 1, steps: 64 });
    const [fx, f0] = tf.tidy(() => [head(tf.tensor(input.data, input.shape)), head(tf.zeros(input.shape))].map((y) => y.dataSync()[1] as number));
    const sum = Array.from(result.attributions[0]?.data ?? []).reduce((s, v) => s + v, 0);
    // quadrature error of 64 Gauss–Legendre nodes on a tanh path: measured 1e-8 of |ΔF|
    expect(Math.abs(sum - ((fx as number) - (f0 as number)))).toBeLessThan(1e-5 * Math.abs((fx as number) - (f0 as number)) + 1e-7);
  });

  test('StridedSlice of a vector longer than 2^24: its positions go through the slice in two float32 digits', async () => {
    await useBackend(backendName);
    const length = 2 ** 24 + 8;
    const f: TfjsFunction = (t) => tf.stridedSlice(t as tf.Tensor, [0, length - 3], [1, length], [1, 1]);
    const weights = Float32Array.from([0.5, -2, 3]);
    const { gradients } = await tfjsBackend(f).gradients({ points: [new Float32Array(length)], pointShapes: [[length]], count: 1, outputWeights: weights });
    const gradient = gradients[0] ?? new Float32Array();
    // the last three elements get the weights, exactly; float32 alone would round their positions
    expect(Array.from(gradient.subarray(length - 4))).toEqual([0, 0.5, -2, 3]);
    expect(gradient.subarray(0, length - 3).every((v) => v === 0)).toBe(true);
  });
});
