import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AbortedError, integratedGradients, type Tensor } from '@ig/core';
import { ModelOutputError, tfjsBackend } from '../src/index.js';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import { buildSmallCnn } from './helpers/reference.js';

const image: Tensor = { data: new Float32Array(28 * 28).map((_, i) => (i % 7) / 7), shape: [1, 28, 28, 1] };
const pointShapes = [[28, 28, 1]];

describe.each(NODE_BACKENDS)('no tensor leaks on tfjs %s', (backendName) => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await useBackend(backendName);
    model = buildSmallCnn();
  });
  afterAll(() => model.dispose());

  test('100 calls each of predict, gradients and integrate leave tf.memory().numTensors unchanged', async () => {
    const backend = tfjsBackend(model);
    const outputWeights = Float32Array.from({ length: 20 }, (_, j) => (j % 10 === 3 ? 1 : 0));
    const points = [new Float32Array(2 * 28 * 28).fill(0.25)];
    await backend.integrate?.({
      input: [image.data],
      baseline: [new Float32Array(784)],
      pointShapes,
      alphas: Float32Array.of(0.5),
      weights: Float32Array.of(1),
      outputWeights: outputWeights.subarray(0, 10),
    });
    const before = tf.memory().numTensors;
    for (let call = 0; call < 100; call++) {
      await backend.predict({ points, pointShapes, count: 2 });
      await backend.gradients({ points, pointShapes, count: 2, outputWeights });
      await backend.integrate?.({
        input: [image.data],
        baseline: [new Float32Array(784)],
        pointShapes,
        alphas: Float32Array.of(0.25, 0.75),
        weights: Float32Array.of(0.5, 0.5),
        outputWeights: outputWeights.subarray(0, 10),
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    await backend.dispose();
  });

  test('an IG run aborted midway rejects with AbortedError and leaves no tensors behind', async () => {
    const backend = tfjsBackend(model);
    await integratedGradients(backend, image, { target: 3, steps: 4 });
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = integratedGradients(backend, image, {
      target: 3,
      steps: 64,
      batchSize: 8,
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 16) controller.abort(new Error('user cancelled'));
      },
    });
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a failing forward pass leaves no tensors behind', async () => {
    const twoHeads: (x: tf.Tensor | tf.Tensor[]) => tf.Tensor[] = (x) => [tf.mul(x as tf.Tensor, 2), tf.mul(x as tf.Tensor, 3)];
    const before = tf.memory().numTensors;
    const backend = tfjsBackend(twoHeads);
    await expect(
      backend.gradients({ points: [Float32Array.of(1, 2)], pointShapes: [[2]], count: 1, outputWeights: Float32Array.of(1, 0) }),
    ).rejects.toBeInstanceOf(ModelOutputError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
