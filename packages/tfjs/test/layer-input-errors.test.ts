import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { BaselineError, NonFiniteError, ShapeMismatchError, type BaselineSpec, type Tensor } from '@ig/core';
import { layerIntegratedGradients, TokenIdError, type LayerIntegratedGradientsOptions } from '../src/index.js';
import { useBackend } from './helpers/backends.js';

const ids = (values: readonly number[]): Tensor => ({ data: Float32Array.from(values), shape: [1, values.length] });

/** Embedding (vocabulary 12, length 5) → flatten → dense. */
function textModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.embedding({ name: 'embed', inputDim: 12, outputDim: 4, inputLength: 5, embeddingsInitializer: tf.initializers.randomNormal({ seed: 1 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }),
    ],
  });
}

/** Inputs a [4] → dense 'h' and b [3], concatenated → dense. */
function twoInputModel(): tf.LayersModel {
  const a = tf.input({ shape: [4], name: 'a' });
  const b = tf.input({ shape: [3], name: 'b' });
  const h = tf.layers.dense({ units: 5, activation: 'tanh', name: 'h' }).apply(a) as tf.SymbolicTensor;
  return tf.model({ name: 'two', inputs: [a, b], outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.concatenate().apply([h, b])) as tf.SymbolicTensor });
}

const xa: Tensor = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 4] };
const xb: Tensor = { data: Float32Array.from([1, 0, -1]), shape: [1, 3] };

async function failure(run: Promise<unknown>): Promise<Error> {
  const error: unknown = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the run to fail');
  return error;
}

describe('layerIntegratedGradients refuses bad inputs and baselines with typed errors naming them (cpu)', () => {
  let text: tf.Sequential;
  let two: tf.LayersModel;
  beforeAll(async () => {
    await useBackend('cpu');
    text = textModel();
    two = twoInputModel();
  });
  const onText = (tokens: Tensor, options: LayerIntegratedGradientsOptions = {}): Promise<Error> =>
    failure(layerIntegratedGradients(text, 'embed', tokens, { target: 1, ...options }));

  test('NaN in the token ids, or an infinite baseline, is a NonFiniteError naming the input and the position', async () => {
    const nan = await onText(ids([3, 7, NaN, 11, 5]));
    expect(nan).toBeInstanceOf(NonFiniteError);
    expect(nan.message).toBe('input 0 has NaN at flat index 2 (example 0, feature 2)');
    const infinite = await onText(ids([3, 7, 1, 11, 5]), { baselines: Infinity });
    expect(infinite).toBeInstanceOf(NonFiniteError);
    expect(infinite.message).toBe('baseline of input 0 has Infinity at flat index 0 (example 0, feature 0)');
    const inB = await failure(layerIntegratedGradients(two, 'h', [xa, { data: Float32Array.from([1, -Infinity, 0]), shape: [1, 3] }], { target: 0 }));
    expect(inB).toBeInstanceOf(NonFiniteError);
    expect(inB.message).toBe('input 1 has -Infinity at flat index 1 (example 0, feature 1)');
  });

  test('a token id that is not an integer, or outside the vocabulary, is a TokenIdError naming input, position, value and vocabulary', async () => {
    const fraction = await onText(ids([3.9, 7, 1, 11, 5]));
    expect(fraction).toBeInstanceOf(TokenIdError);
    expect(fraction.message).toBe(
      "input 0 has 3.9 at flat index 0 (example 0, position 0), not an integer token id of Embedding layer 'embed' (inputDim 12: ids 0 to 11)",
    );
    const outside = await onText({ data: Float32Array.from([3, 7, 1, 11, 5, 3, 7, 40, 11, 5]), shape: [2, 5] });
    expect(outside).toBeInstanceOf(TokenIdError);
    expect(outside.message).toBe(
      "input 0 has 40 at flat index 7 (example 1, position 2), outside the vocabulary of Embedding layer 'embed' (inputDim 12: ids 0 to 11)",
    );
    expect((outside as TokenIdError).vocabulary).toBe(12);
    const baseline = await onText(ids([3, 7, 1, 11, 5]), { baselines: -1 });
    expect(baseline).toBeInstanceOf(TokenIdError);
    expect(baseline.message).toMatch(/^baseline of input 0 has -1 at flat index 0 \(example 0, position 0\), outside the vocabulary/);
  });

  test('token ids reaching an Embedding inside a nested model (a text encoder used as a layer) are checked too', async () => {
    const encoder = tf.sequential({
      name: 'encoder',
      layers: [tf.layers.embedding({ name: 'inner_embed', inputDim: 12, outputDim: 4, inputLength: 5 }), tf.layers.globalAveragePooling1d({})],
    });
    const tokens = tf.input({ shape: [5], name: 'tokens' });
    const model = tf.model({ name: 'classifier', inputs: tokens, outputs: tf.layers.dense({ units: 2 }).apply(encoder.apply(tokens)) as tf.SymbolicTensor });
    const error = await failure(layerIntegratedGradients(model, 'encoder', ids([3, 7, 12, 11, 5]), { target: 0 }));
    expect(error).toBeInstanceOf(TokenIdError);
    expect(error.message).toBe(
      "input 0 has 12 at flat index 2 (example 0, position 2), outside the vocabulary of Embedding layer 'inner_embed' (inputDim 12: ids 0 to 11)",
    );
    model.dispose();
  });

  test('inputs that do not fit the model are ShapeMismatchErrors naming the input and both shapes', async () => {
    const long = await onText(ids([3, 7, 1, 11, 5, 1]));
    expect(long).toBeInstanceOf(ShapeMismatchError);
    expect(long.message).toMatch(/^LayersModel '\w+': input 0 \('\w+'\) must have shape \[N, 5\] but the given input has shape \[1, 6\]$/);
    const one = await failure(layerIntegratedGradients(two, 'h', [xa], { target: 0 }));
    expect(one).toBeInstanceOf(ShapeMismatchError);
    expect(one.message).toBe("LayersModel 'two' takes 2 inputs [a, b] but got 1");
    const wide = await failure(layerIntegratedGradients(two, 'h', [xa, { data: Float32Array.from([1, 0, -1, 2]), shape: [1, 4] }], { target: 0 }));
    expect(wide).toBeInstanceOf(ShapeMismatchError);
    expect(wide.message).toBe("LayersModel 'two': input 1 ('b') must have shape [N, 3] but the given input has shape [1, 4]");
    const notTensor = await failure(layerIntegratedGradients(two, 'h', [xa, 'b' as unknown as Tensor], { target: 0 }));
    expect(notTensor).toBeInstanceOf(ShapeMismatchError);
    expect(notTensor.message).toMatch(/^input 1 is not a tensor/);
  });

  test('baselines layer attribution cannot take are BaselineErrors saying what to give', async () => {
    const average = { average: [0, 1] } as BaselineSpec as LayerIntegratedGradientsOptions['baselines'];
    const averaged = await failure(layerIntegratedGradients(two, 'h', [xa, xb], { target: 0, baselines: average }));
    expect(averaged).toBeInstanceOf(BaselineError);
    expect(averaged.message).toMatch(/one baseline per input, not \{ average: \[\.\.\.\] \}: run it once per baseline and average/);
    const count = await failure(layerIntegratedGradients(two, 'h', [xa, xb], { target: 0, baselines: [0, 0, 0] }));
    expect(count).toBeInstanceOf(BaselineError);
    expect(count.message).toMatch(/^got 3 baselines for a model with 2 input\(s\)/);
    const shape = await failure(layerIntegratedGradients(two, 'h', [xa, xb], { target: 0, baselines: [{ data: new Float32Array(3), shape: [1, 3] }, 0] }));
    expect(shape).toBeInstanceOf(ShapeMismatchError);
    expect(shape.message).toBe("baseline of input 0 has shape [1, 3]; expected the input's shape [1, 4] or one example of it");
    const fromFunction = await failure(layerIntegratedGradients(two, 'h', [xa, xb], { target: 0, baselines: () => Number.NaN }));
    expect(fromFunction).toBeInstanceOf(NonFiniteError);
    expect(fromFunction.message).toMatch(/^baseline of input 0 has NaN/);
  });
});
