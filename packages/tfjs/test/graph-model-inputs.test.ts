import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { integratedGradients, ShapeMismatchError, type Tensor } from '@ig/core';
import { NonDifferentiableInputError, tfjsBackend } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { denseGraphModel, tokenGraphModel } from './helpers/graph-model.js';

async function failure(run: () => Promise<unknown>): Promise<Error> {
  const error: unknown = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the run to fail');
  return error;
}

describe('GraphModel inputs are checked against its signature (cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  test('an input of the wrong shape is a ShapeMismatchError naming the input node and both shapes', async () => {
    const glorot = (seed: number): tf.Tensor2D => tf.randomNormal([4, 4], 0, 1, 'float32', seed) as tf.Tensor2D;
    const model = await denseGraphModel(glorot(1), tf.zeros([4]) as tf.Tensor1D, glorot(2), tf.zeros([4]) as tf.Tensor1D);
    const fiveFeatures: Tensor = { data: Float32Array.from([1, 2, 3, 4, 5]), shape: [1, 5] };
    const error = await failure(() => integratedGradients(tfjsBackend(model), fiveFeatures, { target: 0 }));
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect(error.message).toBe("GraphModel: input 0 ('x') must have shape [N, 4] but a batch of points has shape [1, 5]");
    const two = await failure(() => integratedGradients(tfjsBackend(model), [fiveFeatures, fiveFeatures], { target: 0 }));
    expect(two).toBeInstanceOf(ShapeMismatchError);
    expect(two.message).toBe('GraphModel takes 1 inputs [x] but got 2');
    model.dispose();
  });

  test('an int32 Placeholder (token ids) is a NonDifferentiableInputError naming it and saying how to explain the model', async () => {
    const model = await tokenGraphModel(3, 10, 4);
    const ids: Tensor = { data: Float32Array.from([1, 2, 3]), shape: [1, 3] };
    const error = await failure(() => integratedGradients(tfjsBackend(model), ids, { target: 0 }));
    expect(error).toBeInstanceOf(NonDifferentiableInputError);
    expect((error as NonDifferentiableInputError).inputs).toEqual([0]);
    expect((error as NonDifferentiableInputError).names).toEqual(['ids']);
    expect(error.message).toMatch(/^input 0 \('ids'\) of this model has no gradient: its Placeholder has dtype int32/);
    expect(error.message).toContain('wrap the graph from the embedding on in a function and give it to tfjsBackend');
    expect(error.message).toContain('layerIntegratedGradients');
    model.dispose();
  });
});
