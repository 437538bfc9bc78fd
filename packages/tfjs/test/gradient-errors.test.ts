import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { IGError, integratedGradients, type Tensor } from '@ig/core';
import { MissingKernelError, NoGradientError, NonDifferentiableInputError, tfjsBackend } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { lstmTextClassifier, pointOf } from './helpers/unseen-models.js';

const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
const ids: Tensor = { data: Float32Array.from([3, 17, 5, 0, 9, 12, 1]), shape: [1, 7] };

/** The rejection of a run, checking that it leaves no tensors behind. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  const before = tf.memory().numTensors;
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(tf.memory().numTensors).toBe(before);
  return error;
}

describe('inputs and ops tfjs cannot differentiate are typed errors (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  test('token ids into an Embedding: a NonDifferentiableInputError naming the input and the Embedding layer', async () => {
    const { model } = lstmTextClassifier();
    const error = await failure(() => integratedGradients(tfjsBackend(model), ids, { target: 1, steps: 8 }));
    expect(error).toBeInstanceOf(NonDifferentiableInputError);
    expect(error).toBeInstanceOf(IGError);
    expect((error as IGError).code).toBe('NON_DIFFERENTIABLE_INPUT');
    expect((error as NonDifferentiableInputError).inputs).toEqual([0]);
    expect((error as Error).message).toContain(`input 0 ('${model.inputs[0]?.name ?? ''}')`);
    expect((error as Error).message).toMatch(/layerIntegratedGradients\(model, 'embedding', inputs\); Embedding layers: embedding$/);
    expect((error as NonDifferentiableInputError).embeddingLayers).toEqual(['embedding']);
    model.dispose();
  });

  test('of two inputs, only the one holding token ids is named', async () => {
    const tokens = tf.input({ shape: [4], name: 'tokens' });
    const features = tf.input({ shape: [3], name: 'features' });
    const embedded = tf.layers
      .flatten()
      .apply(tf.layers.embedding({ name: 'lookup', inputDim: 10, outputDim: 2, embeddingsInitializer: glorot(1) }).apply(tokens)) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 2, kernelInitializer: glorot(2) }).apply(features) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate().apply([embedded, dense]) as tf.SymbolicTensor;
    const model = tf.model({
      inputs: [tokens, features],
      outputs: tf.layers.dense({ units: 2, kernelInitializer: glorot(3) }).apply(joined) as tf.SymbolicTensor,
    });
    const inputs: Tensor[] = [
      { data: Float32Array.from([1, 4, 9, 2]), shape: [1, 4] },
      { data: Float32Array.from([0.5, -1, 2]), shape: [1, 3] },
    ];
    const error = await failure(() => integratedGradients(tfjsBackend(model), inputs, { target: 0, steps: 4 }));
    expect(error).toBeInstanceOf(NonDifferentiableInputError);
    expect((error as NonDifferentiableInputError).inputs).toEqual([0]);
    expect((error as Error).message).toMatch(/^input 0 \('tokens'\) of this model has no gradient/);
    expect((error as Error).message).toContain("'lookup'");
    expect((error as NonDifferentiableInputError).names).toEqual(['tokens']);
    model.dispose();
  });

  test.each([
    [
      'Conv2D',
      () => tf.layers.conv2d({ inputShape: [9, 9, 2], filters: 3, kernelSize: 3, dilationRate: 2, activation: 'relu', kernelInitializer: glorot(4) }),
      [9, 9, 2],
    ],
    ['Conv2D', () => tf.layers.conv1d({ inputShape: [12, 2], filters: 3, kernelSize: 3, dilationRate: 2, kernelInitializer: glorot(5) }), [12, 2]],
  ] as const)('a dilated convolution (%s) is a NoGradientError naming the op and the dilation', async (op, layer, shape) => {
    const model = tf.sequential({ layers: [layer(), tf.layers.flatten(), tf.layers.dense({ units: 2, kernelInitializer: glorot(7) })] });
    const x: Tensor = { data: pointOf(shape), shape: [1, ...shape] };
    const error = await failure(() => integratedGradients(tfjsBackend(model), x, { target: 0, steps: 4 }));
    expect(error).toBeInstanceOf(NoGradientError);
    expect((error as IGError).code).toBe('NO_GRADIENT');
    expect((error as NoGradientError).op).toBe(op);
    expect((error as Error).message).toMatch(/dilation rate > 1 .*dilations '(1,)?2(,2)?'/);
    model.dispose();
  });
});

test('on wasm a Conv2D with tanh (not only linear) needs Conv2DBackpropFilter, and the error says why', async () => {
  await useBackend('wasm');
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'tanh', kernelInitializer: glorot(8) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2 }),
    ],
  });
  const error = await failure(() => integratedGradients(tfjsBackend(model), { data: pointOf([6, 6, 1]), shape: [1, 6, 6, 1] }, { target: 0, steps: 4 }));
  expect(error).toBeInstanceOf(MissingKernelError);
  expect((error as MissingKernelError).kernel).toBe('Conv2DBackpropFilter');
  expect((error as Error).message).toMatch(/activation is not relu or elu \(linear, tanh/);
  model.dispose();
  await useBackend('cpu');
});

test('without the gradients tfjs-core registers only through @tensorflow/tfjs or tfjs-layers, the NoGradientError says what to import', async () => {
  await useBackend('cpu');
  // what an app that imports only tfjs-core and tfjs-converter (a graph model) has: no Add gradient
  const add = tf.getGradient('Add') as tf.GradConfig;
  tf.unregisterGradient('Add');
  try {
    const f = (x: tf.Tensor | tf.Tensor[]): tf.Tensor => tf.add(tf.mul(x as tf.Tensor, 2), 1);
    const error = await failure(() => integratedGradients(tfjsBackend(f), { data: pointOf([3]), shape: [1, 3] }, { target: 0, steps: 4 }));
    expect(error).toBeInstanceOf(NoGradientError);
    expect((error as NoGradientError).op).toBe('Add');
    expect((error as Error).message).toMatch(/no tfjs gradient is registered at all: .*@tensorflow\/tfjs-layers is imported/);
  } finally {
    tf.registerGradient(add);
  }
});
