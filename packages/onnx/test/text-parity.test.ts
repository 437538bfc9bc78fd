import { describe, expect, it } from 'vitest';
import { tokenSums } from '@ig/core';
import { createTokenLayerExplainer } from '../src/index.js';
import { runtimes } from './helpers/ort.js';
import { EMBEDDING_LAYER, spamBytes, spamExample, spamReference } from './helpers/text.js';

describe('LayerIntegratedGradients on the spam classifier embedding matches Captum 0.7', () => {
  for (const { example, target, attributions, fInput, fBaseline, delta } of spamReference.cases) {
    it(`example ${example}, target ${target}, pad-id baseline`, async () => {
      const explainer = await createTokenLayerExplainer(runtimes.node, 'onnxruntime-node', spamBytes, EMBEDDING_LAYER);
      const { inputs, baselines } = spamExample(example);
      const result = await explainer.attribute(inputs, { baselines, target, steps: spamReference.steps, method: 'gauss-legendre' });
      await explainer.dispose();
      const attribution = result.attributions[0];
      const ours = attribution?.data as Float32Array;
      expect(attribution?.shape).toEqual(spamReference.shape);
      let worst = 0;
      for (let i = 0; i < attributions.length; i++) worst = Math.max(worst, Math.abs((ours[i] as number) - (attributions[i] as number)));
      // Measured: at most 2.9e-8 on attributions up to 0.10 (float32 rounding of the two runtimes).
      expect(worst).toBeLessThan(2.5e-7);
      const report = result.reports[0];
      // Measured: F differences up to 4.8e-7 and delta differences up to 8.4e-7 on logits of a few units.
      expect(Math.abs((report?.fInput ?? 0) - fInput)).toBeLessThan(5e-6);
      expect(Math.abs((report?.fBaseline ?? 0) - fBaseline)).toBeLessThan(5e-6);
      // Completeness, and Captum's own convergence delta, agree (measured relative error up to 1.4e-4 at 50 steps).
      expect(Math.abs((report?.delta ?? 1) - delta)).toBeLessThan(5e-6);
      expect(Math.abs(report?.delta ?? 1)).toBeLessThan(1e-3 * Math.abs(fInput - fBaseline) + 1e-5);

      // Per-token sums equal the element attributions summed, and padding gets exactly zero.
      const perToken = tokenSums(attribution as { data: Float32Array; shape: readonly number[] });
      const mask = spamReference.attentionMask[example] as readonly number[];
      const features = spamReference.shape[2] as number;
      let total = 0;
      perToken.forEach((value, t) => {
        let sum = 0;
        for (let f = 0; f < features; f++) sum += ours[t * features + f] as number;
        expect(value).toBeCloseTo(sum, 6);
        if (mask[t] === 0) expect(Math.abs(value)).toBe(0);
        total += value;
      });
      let elements = 0;
      for (const v of ours) elements += v;
      expect(Math.abs(total - elements)).toBeLessThan(1e-5);
    });
  }
});

describe('one explainer for several texts (each after the first on the first one’s sessions)', () => {
  it("gives each text, with its own attention mask, Captum's LayerIntegratedGradients", async () => {
    const explainer = await createTokenLayerExplainer(runtimes.node, 'onnxruntime-node', spamBytes, EMBEDDING_LAYER);
    // Examples 0 and 1 have different masks (24 padding positions in example 1), in both orders.
    for (const { example, target, attributions } of [...spamReference.cases, ...[...spamReference.cases].reverse()]) {
      const { inputs, baselines } = spamExample(example);
      const result = await explainer.attribute(inputs, { baselines, target, steps: spamReference.steps, method: 'gauss-legendre' });
      const ours = result.attributions[0]?.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < attributions.length; i++) worst = Math.max(worst, Math.abs((ours[i] as number) - (attributions[i] as number)));
      // As one explainer per text: measured at most 2.9e-8.
      expect(worst).toBeLessThan(2.5e-7);
    }
    await explainer.dispose();
  });
});
