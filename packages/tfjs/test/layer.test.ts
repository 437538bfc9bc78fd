import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { integratedGradients, type Tensor } from '@ig/core';
import { layerIntegratedGradients, tfjsBackend, UnsupportedModelError } from '../src/index.js';
import { useBackend } from './helpers/backends.js';

const VOCAB = 12;
const LENGTH = 5;
const DIM = 4;

const tokens: Tensor = { data: Float32Array.from([3, 7, 1, 11, 5, 2, 2, 9, 0, 4]), shape: [2, LENGTH] };

function values(layer: tf.layers.Layer, index: number): Float32Array {
  return (layer.getWeights()[index] as tf.Tensor).dataSync() as Float32Array;
}

function embeddingRow(table: Float32Array, token: number): Float32Array {
  return table.subarray(token * DIM, (token + 1) * DIM);
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('layerIntegratedGradients', () => {
  test('through an Embedding with a linear head equals the closed form (e(x) − e(x′))·W[:, target]', async () => {
    const embedding = tf.layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: LENGTH, name: 'embed', embeddingsInitializer: tf.initializers.randomNormal({ seed: 1 }) });
    const dense = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) });
    const model = tf.sequential({ layers: [embedding, tf.layers.flatten(), dense] });
    const padToken = 0;
    const result = await layerIntegratedGradients(model, 'embed', tokens, { baselines: padToken, target: [2, 0], steps: 4 });

    expect(result.attribution.shape).toEqual([2, LENGTH, DIM]);
    const table = values(embedding, 0);
    const kernel = values(dense, 0);
    const targets = [2, 0];
    for (let n = 0; n < 2; n++) {
      for (let t = 0; t < LENGTH; t++) {
        const token = tokens.data[n * LENGTH + t] as number;
        const input = embeddingRow(table, token);
        const baseline = embeddingRow(table, padToken);
        for (let d = 0; d < DIM; d++) {
          const feature = t * DIM + d;
          const expected = ((input[d] as number) - (baseline[d] as number)) * (kernel[feature * 3 + (targets[n] as number)] as number);
          expect(result.attribution.data[n * LENGTH * DIM + feature]).toBeCloseTo(expected, 5);
        }
      }
    }
    result.reports.forEach((report) => expect(Math.abs(report.delta)).toBeLessThan(1e-5));
    model.dispose();
  });

  test('through an Embedding with a nonlinear head equals IG on the head alone, started from the baseline embedding', async () => {
    const embedding = tf.layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: LENGTH, name: 'embed', embeddingsInitializer: tf.initializers.randomNormal({ seed: 3 }) });
    const pool = tf.layers.globalAveragePooling1d({});
    const hidden = tf.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ seed: 4 }) });
    const out = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) });
    const model = tf.sequential({ layers: [embedding, pool, hidden, out] });
    const result = await layerIntegratedGradients(model, 'embed', tokens, { baselines: 0, target: 1, steps: 32 });

    const head: (x: tf.Tensor | tf.Tensor[]) => tf.Tensor = (x) => out.apply(hidden.apply(pool.apply(x as tf.Tensor))) as tf.Tensor;
    const direct = await integratedGradients(tfjsBackend(head), result.layerInput, {
      baselines: result.layerBaseline,
      target: 1,
      steps: 32,
    });
    const expected = direct.attributions[0]?.data ?? new Float32Array();
    result.attribution.data.forEach((value, i) => expect(value).toBeCloseTo(expected[i] as number, 6));
    result.reports.forEach((report, n) => {
      expect(report.example).toBe(n);
      expect(report.relativeError).toBeLessThan(1e-3);
    });
    model.dispose();
  });

  test('a layer whose model also feeds the raw input past it sees the real input there, as in Captum', async () => {
    const x = tf.input({ shape: [3] });
    const hiddenLayer = tf.layers.dense({ units: 4, activation: 'tanh', name: 'hidden', kernelInitializer: tf.initializers.randomNormal({ seed: 6 }) });
    const outLayer = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: 7 }) });
    const hidden = hiddenLayer.apply(x) as tf.SymbolicTensor;
    const merged = tf.layers.concatenate().apply([hidden, x]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: outLayer.apply(merged) as tf.SymbolicTensor });
    const input: Tensor = { data: Float32Array.from([0.5, -1, 2]), shape: [1, 3] };
    const result = await layerIntegratedGradients(model, 'hidden', input, { target: 1, steps: 4 });

    // With x held fixed the output is linear in the hidden units: attr = (h(x) − h(0))·W[hidden unit, target].
    const kernel = values(outLayer, 0);
    for (let unit = 0; unit < 4; unit++) {
      const expected = ((result.layerInput.data[unit] as number) - (result.layerBaseline.data[unit] as number)) * (kernel[unit * 2 + 1] as number);
      expect(result.attribution.data[unit]).toBeCloseTo(expected, 6);
    }
    expect(Array.from(result.layerBaseline.data)).toEqual(Array.from(tf.tidy(() => tf.tanh(tf.tensor((hiddenLayer.getWeights()[1] as tf.Tensor).dataSync())).dataSync())));
    model.dispose();
  });

  test('an unknown layer name is an UnsupportedModelError naming it', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
    await expect(layerIntegratedGradients(model, 'nope', { data: new Float32Array(2), shape: [1, 2] })).rejects.toThrow(UnsupportedModelError);
    await expect(layerIntegratedGradients(model, 'nope', { data: new Float32Array(2), shape: [1, 2] })).rejects.toThrow(/no layer named 'nope'/);
    model.dispose();
  });

  test('leaves no tensors behind and restores the layer', async () => {
    const embedding = tf.layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: LENGTH, name: 'embed' });
    const model = tf.sequential({ layers: [embedding, tf.layers.flatten(), tf.layers.dense({ units: 3 })] });
    const before = tf.memory().numTensors;
    await layerIntegratedGradients(model, 'embed', tokens, { target: 0, steps: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.prototype.hasOwnProperty.call(embedding, 'call')).toBe(false);
    const prediction = tf.tidy(() => (model.predict(tf.tensor2d([[1, 2, 3, 4, 5]])) as tf.Tensor).shape);
    expect(prediction).toEqual([1, 3]);
    model.dispose();
  });
});
