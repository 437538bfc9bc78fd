import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { createOnnxBackend, createTokenLayerExplainer, cutAtTensor } from '../src/index.js';
import { runtimes } from './helpers/ort.js';
import { EMBEDDING_LAYER, spamBytes, spamExample } from './helpers/text.js';

const ort = runtimes.node;

describe('context inputs in the fused path graph', () => {
  it('a model with an attention mask integrates in fused runs, equal to point batches, masked positions exactly zero', async () => {
    const { inputs } = spamExample(1); // 24 positions of padding
    const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', spamBytes, EMBEDDING_LAYER);
    const x = await explainer.activation(inputs);
    await explainer.dispose();
    const cut = cutAtTensor(spamBytes, EMBEDDING_LAYER);
    const options = { pointsPerRun: 8, inputs: [EMBEDDING_LAYER], context: { attention_mask: inputs.attention_mask as never } };
    const fused = await createOnnxBackend(ort, 'onnxruntime-node', cut.suffix, options);
    const plain = await createOnnxBackend(ort, 'onnxruntime-node', cut.suffix, { ...options, fused: false });
    expect(fused.integrate).toBeDefined();
    expect(plain.integrate).toBeUndefined();
    const input = tensor(x.data, x.shape);
    // 20 points in runs of 8: the last run is padded, so padding must add exact zeros too.
    const run = { target: 1, steps: 20, baselines: 0 };
    const a = await integratedGradients(fused, input, run);
    expect(fused.stats.sessions.fused).toBe(1);
    expect(fused.stats.sessions.gradient).toBe(0);
    const b = await integratedGradients(plain, input, run);
    const x0 = a.attributions[0]?.data as Float32Array;
    const y0 = b.attributions[0]?.data as Float32Array;
    let largest = 0;
    y0.forEach((v) => (largest = Math.max(largest, Math.abs(v))));
    expect(largest).toBeGreaterThan(1e-3);
    // Measured: at most 1.5e-8 apart (max |attr| 0.10): the same float32 gradients, summed in
    // another order.
    x0.forEach((v, j) => expect(Math.abs(v - (y0[j] as number))).toBeLessThan(3e-8));
    // The mask must reach every point of the fused run: padded positions get exactly zero.
    const mask = inputs.attention_mask?.data as BigInt64Array;
    const features = x.shape[2] as number;
    mask.forEach((m, position) => {
      if (m !== 0n) return;
      for (let f = 0; f < features; f++) expect(x0[position * features + f]).toBe(0);
    });
    expect(Math.abs((a.reports[0]?.delta as number) - (b.reports[0]?.delta as number))).toBeLessThan(2e-7); // measured 5.0e-8
    await fused.dispose();
    await plain.dispose();
  });
});
