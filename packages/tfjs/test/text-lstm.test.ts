import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tokenSums, type Tensor } from '@ig/core';
import { measure } from '@ig/browser-harness/measure';
import { layerIntegratedGradients, tfjsLayerSplit, type LayeredModelLike } from '../src/index.js';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import { evaluateLayers } from './helpers/float64-layers.js';
import { completenessGap, gradientDeviation } from './helpers/coverage-checks.js';
import { lstmTextClassifier } from './helpers/unseen-models.js';

const ids: Tensor = { data: Float32Array.from([3, 17, 5, 0, 9, 12, 1]), shape: [1, 7] };
const PAD = 0;

/**
 * An Embedding + LSTM text classifier: token ids have no gradient (see gradient-errors.test.ts),
 * so attribution goes to the Embedding's output, as Captum's LayerIntegratedGradients does.
 */
describe.each(NODE_BACKENDS)('Embedding + LSTM text classifier on tfjs %s', (backendName) => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await useBackend(backendName);
    model = lstmTextClassifier().model;
  });
  afterAll(() => model.dispose());

  test('layer IG at the Embedding is complete: Σ attributions = F(ids) − F(pad ids), F from model.predict', async () => {
    const result = await layerIntegratedGradients(model as unknown as LayeredModelLike, 'embedding', ids, { baselines: PAD, target: 1, steps: 64 });
    expect(result.attribution.shape).toEqual([1, 7, 6]);
    // the pad id is 0, so the baseline ids are the zeros completenessGap feeds to model.predict
    const { relative } = completenessGap(model, [ids], [result.attribution], 1);
    measure(`${backendName} lstm text completeness`, { relative });
    // measured cpu 6.8e-9, wasm 9.1e-9 of Σ|attr|
    expect(relative).toBeLessThan(6e-8);
    expect(tokenSums(result.attribution)).toHaveLength(7);
  });

  test('the head after the Embedding has the gradient of a float64 LSTM at the embedded ids (central differences)', async () => {
    const split = tfjsLayerSplit(model as unknown as LayeredModelLike, 'embedding');
    const head = await split.head([ids]);
    const deviation = await gradientDeviation(head.backend, [[7, 6]], 1, ([x]) => evaluateLayers(model.layers.slice(1), x as never).data[1] as number);
    await head.release();
    measure(`${backendName} lstm head gradient`, { deviation });
    // measured cpu 6.5e-8, wasm 8.9e-8 of max |gradient|
    expect(deviation).toBeLessThan(5e-7);
  });
});
