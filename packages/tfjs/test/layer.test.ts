import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { gaussLegendre, type Tensor } from '@ig/core';
import { layerIntegratedGradients, UnsupportedModelError } from '../src/index.js';
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

/**
 * Float32 bounds relative to max |expected attribution|, about 4× the measured deviation
 * (IG_MEASURE=1 prints it): linear head 5.7e-8 / delta 4.0e-8, nonlinear head 6.7e-8 /
 * delta 1.9e-7, concatenated input 1.3e-8.
 */
const TOLERANCE = {
  linearAttr: 3e-7,
  linearDelta: 2e-7,
  nonlinearAttr: 3e-7,
  nonlinearDelta: 8e-7,
  concatAttr: 1e-7,
};

function measure(name: string, values: Record<string, number>): void {
  if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ name, ...values }));
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('layerIntegratedGradients', () => {
  test('through an Embedding with a linear head equals the closed form (e(x) − e(x′))·W[:, target]', async () => {
    const embedding = tf.layers.embedding({
      inputDim: VOCAB,
      outputDim: DIM,
      inputLength: LENGTH,
      name: 'embed',
      embeddingsInitializer: tf.initializers.randomNormal({ seed: 1 }),
    });
    const dense = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) });
    const model = tf.sequential({ layers: [embedding, tf.layers.flatten(), dense] });
    const padToken = 0;
    const result = await layerIntegratedGradients(model, 'embed', tokens, { baselines: padToken, target: [2, 0], steps: 4 });

    expect(result.attribution.shape).toEqual([2, LENGTH, DIM]);
    const table = values(embedding, 0);
    const kernel = values(dense, 0);
    const targets = [2, 0];
    let worst = 0;
    let scale = 0;
    for (let n = 0; n < 2; n++) {
      for (let t = 0; t < LENGTH; t++) {
        const token = tokens.data[n * LENGTH + t] as number;
        const input = embeddingRow(table, token);
        const baseline = embeddingRow(table, padToken);
        for (let d = 0; d < DIM; d++) {
          const feature = t * DIM + d;
          const expected = ((input[d] as number) - (baseline[d] as number)) * (kernel[feature * 3 + (targets[n] as number)] as number);
          worst = Math.max(worst, Math.abs((result.attribution.data[n * LENGTH * DIM + feature] as number) - expected));
          scale = Math.max(scale, Math.abs(expected));
        }
      }
    }
    const worstDelta = Math.max(...result.reports.map((report) => Math.abs(report.delta)));
    measure('linear head', { attr: worst / scale, delta: worstDelta / scale });
    expect(worst / scale).toBeLessThan(TOLERANCE.linearAttr);
    expect(worstDelta / scale).toBeLessThan(TOLERANCE.linearDelta);
    model.dispose();
  });

  test('through an Embedding with a nonlinear head equals IG on the head alone, started from the baseline embedding', async () => {
    const embedding = tf.layers.embedding({
      inputDim: VOCAB,
      outputDim: DIM,
      inputLength: LENGTH,
      name: 'embed',
      embeddingsInitializer: tf.initializers.randomNormal({ seed: 3 }),
    });
    const pool = tf.layers.globalAveragePooling1d({});
    const hidden = tf.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ seed: 4 }) });
    const out = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) });
    const model = tf.sequential({ layers: [embedding, pool, hidden, out] });
    const result = await layerIntegratedGradients(model, 'embed', tokens, { baselines: 0, target: 1, steps: 32 });

    // The same quadrature by hand: (e − e′)·Σₖ wₖ·∇head(e′ + αₖ(e − e′)), plain tf.grad per node.
    const head = (x: tf.Tensor): tf.Tensor => out.apply(hidden.apply(pool.apply(x))) as tf.Tensor;
    const rule = gaussLegendre(32);
    const e = result.layerInput;
    const e0 = result.layerBaseline;
    const summed = new Float64Array(e.data.length);
    rule.alphas.forEach((alpha, k) => {
      const point = tf.tensor(
        e.data.map((v, i) => (e0.data[i] as number) + alpha * (v - (e0.data[i] as number))),
        [...e.shape],
      );
      const gradient = tf.tidy(() =>
        tf
          .grad((x: tf.Tensor) => head(x).slice([0, 1], [-1, 1]).sum())(point)
          .dataSync(),
      );
      point.dispose();
      gradient.forEach((g, i) => (summed[i] = (summed[i] as number) + (rule.weights[k] as number) * g));
    });
    const expected = summed.map((g, i) => g * ((e.data[i] as number) - (e0.data[i] as number)));
    let worst = 0;
    result.attribution.data.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - (expected[i] as number)))));
    const scale = Math.max(...Array.from(expected, Math.abs));
    // delta = Σ attr − (F(x) − F(x′)), with F from the head at the two embeddings.
    const logits = (x: Tensor): Float32Array => tf.tidy(() => head(tf.tensor(x.data, [...x.shape])).dataSync() as Float32Array);
    const [fx, fx0] = [logits(e), logits(e0)];
    let worstDelta = 0;
    result.reports.forEach((report, n) => {
      expect(report.example).toBe(n);
      const attributionSum = expected.subarray(n * LENGTH * DIM, (n + 1) * LENGTH * DIM).reduce((a, b) => a + b, 0);
      worstDelta = Math.max(worstDelta, Math.abs(report.delta - (attributionSum - ((fx[n * 3 + 1] as number) - (fx0[n * 3 + 1] as number)))));
    });
    measure('nonlinear head', { attr: worst / scale, delta: worstDelta / scale });
    expect(worst / scale).toBeLessThan(TOLERANCE.nonlinearAttr);
    expect(worstDelta / scale).toBeLessThan(TOLERANCE.nonlinearDelta);
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
    let worst = 0;
    let scale = 0;
    for (let unit = 0; unit < 4; unit++) {
      const expected = ((result.layerInput.data[unit] as number) - (result.layerBaseline.data[unit] as number)) * (kernel[unit * 2 + 1] as number);
      worst = Math.max(worst, Math.abs((result.attribution.data[unit] as number) - expected));
      scale = Math.max(scale, Math.abs(expected));
    }
    measure('concatenated input', { attr: worst / scale });
    expect(worst / scale).toBeLessThan(TOLERANCE.concatAttr);
    expect(Array.from(result.layerBaseline.data)).toEqual(
      Array.from(tf.tidy(() => tf.tanh(tf.tensor((hiddenLayer.getWeights()[1] as tf.Tensor).dataSync())).dataSync())),
    );
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
