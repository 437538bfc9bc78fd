import { beforeAll, describe, expect, test } from 'vitest';
import { tokenSums } from '@ig/core';
import { layerIntegratedGradients, type LayeredModelLike } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { spamLayersModel, spamReference } from './helpers/spam-model.js';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('Embedding attribution on a tfjs text classifier with an attention mask', () => {
  test('the spam classifier rebuilt in tfjs-layers matches Captum 0.7 LayerIntegratedGradients (pad-id baseline, two targets)', async () => {
    const model = spamLayersModel();
    for (const { example, target, attributions, fInput, fBaseline } of spamReference.cases) {
      const ids = { data: Float32Array.from(spamReference.inputIds[example] as readonly number[]), shape: [1, 128] };
      const mask = { data: Float32Array.from(spamReference.attentionMask[example] as readonly number[]), shape: [1, 128] };
      // Token ids go in as floats; the baseline is the pad id for the ids, the mask keeps its values.
      const result = await layerIntegratedGradients(model as unknown as LayeredModelLike, 'embedding', [ids, mask], {
        baselines: [spamReference.baselineId, mask],
        target,
        steps: spamReference.steps,
        method: 'gauss-legendre',
      });
      expect(result.attribution.shape).toEqual(spamReference.shape);
      let worst = 0;
      result.attribution.data.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - (attributions[i] as number)));
      });
      // Measured on the cpu backend: 7.4e-9 to 1.2e-8 on attributions up to 0.10.
      expect(worst).toBeLessThan(1.2e-7);
      const report = result.reports[0];
      // float32 logits of a few units: a few ulps (4.8e-7 each).
      expect(Math.abs((report?.fInput ?? 0) - fInput)).toBeLessThan(5e-6);
      expect(Math.abs((report?.fBaseline ?? 0) - fBaseline)).toBeLessThan(5e-6);
      const perToken = tokenSums(result.attribution);
      perToken.forEach((v, t) => {
        if (spamReference.attentionMask[example]?.[t] === 0) expect(Math.abs(v)).toBe(0);
      });
    }
    model.dispose();
  });
});
