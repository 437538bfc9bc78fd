import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@ig/test-fixtures';
import { createTokenLayerExplainer, findEmbeddingOutput } from '../src/index.js';
import { runtimes } from './helpers/ort.js';
import { modelBytes, recurrentCases, recurrentDir } from './helpers/recurrent.js';

const c = recurrentCases.text_lstm as (typeof recurrentCases)[string];
const ids = readNpy(join(recurrentDir, c.ids as string));
const length = ids.shape[1] as number;
const row = (k: number): BigInt64Array => BigInt64Array.from(Array.from(ids.data.subarray(k * length, (k + 1) * length), (v) => BigInt(v)));

describe('a text classifier with an LSTM (Embedding → bidirectional LSTM → Linear), IG at the embedding', () => {
  it.each(Object.keys(c.models))('completeness against the model itself (onnxruntime LSTM kernel), opset %s', async (opset) => {
    const bytes = modelBytes(c, opset);
    const explainer = await createTokenLayerExplainer(runtimes.node, 'onnxruntime-node', bytes, findEmbeddingOutput(bytes) as string);
    const shape = [1, length];
    const baselines = { ids: { data: new BigInt64Array(length), shape } };
    const atBaseline = (await explainer.predict(baselines)).data;
    for (const k of [0, 1]) {
      const inputs = { ids: { data: row(k), shape } };
      const target = c.targets[k] as number;
      const logits = (await explainer.predict(inputs)).data;
      // The original model's logit (onnxruntime's LSTM kernel) is torch's float64 one.
      expect(Math.abs((logits[target] as number) - (c.logits[k] as number))).toBeLessThan(1e-6);
      const result = await explainer.attribute(inputs, { baselines, target, steps: 32 });
      let sum = 0;
      for (const v of (result.attributions[0] as { data: Float32Array }).data) sum += v;
      const difference = (logits[target] as number) - (atBaseline[target] as number);
      // Σ attributions = f(x) − f(baseline), f from the original model; measured 1e-8 to 5e-7
      // relative at 16 to 64 steps (the default Gauss–Legendre rule on a smooth path).
      expect(Math.abs(sum - difference)).toBeLessThan(2e-6 * Math.max(1, Math.abs(difference)));
      expect(result.reports[0]?.relativeError).toBeLessThan(5e-6);
    }
    await explainer.dispose();
  });
});
