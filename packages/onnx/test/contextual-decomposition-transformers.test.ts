import { describe, expect, it } from 'vitest';
import { createContextualDecomposition, createTokenLayerExplainer, findEmbeddingOutput, type ContextInputs } from '../src/index.js';
import { runtimes } from './helpers/ort.js';
import { fixtureBytes } from './helpers/fixtures.js';
import { ids } from './helpers/text.js';

// bert.onnx, gpt2.onnx, distilbert.onnx and fixed16.onnx are copies of apps/cli/test/fixtures/text_models (made by make.py there).
const ort = runtimes.node;

interface TransformerCase {
  readonly file: string;
  readonly inputs: ContextInputs;
  /** max |rel + irrel − output| over the masks below: measured 9.3e-8 (bert), 4.7e-6 (gpt2, logits up to ~10 over 7×vocab), 8.2e-8 (distilbert). */
  readonly tolerance: number;
}

const tokens = [2, 5, 6, 8, 12, 13, 3];
const cases: readonly TransformerCase[] = [
  {
    file: 'bert.onnx',
    inputs: { input_ids: ids(tokens), attention_mask: ids([1, 1, 1, 1, 1, 0, 0]), token_type_ids: ids(tokens.map(() => 0)) },
    tolerance: 1e-6,
  },
  { file: 'gpt2.onnx', inputs: { input_ids: ids(tokens), attention_mask: ids([1, 1, 1, 1, 1, 1, 0]) }, tolerance: 2e-5 },
  { file: 'distilbert.onnx', inputs: { input_ids: ids(tokens), attention_mask: ids([1, 1, 1, 1, 1, 1, 0]) }, tolerance: 1e-6 },
  // Batch and length fixed at [1, 16] on the mask while the cut embedding's batch is open: seven masks run one at a time.
  {
    file: 'fixed16.onnx',
    inputs: { input_ids: ids([...tokens, ...new Array<number>(9).fill(0)]), attention_mask: ids([...tokens.map(() => 1), ...new Array<number>(9).fill(0)]) },
    tolerance: 1e-6,
  },
];

describe('contextual decomposition of transformers cut at the embedding output', () => {
  for (const c of cases) {
    it(`${c.file}: relevant + irrelevant equals the output for empty, full, single-token and span masks`, async () => {
      const bytes = fixtureBytes('cd-transformer', c.file);
      const layer = findEmbeddingOutput(bytes) as string;
      const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', bytes, layer);
      const x = await explainer.activation(c.inputs);
      const output = await explainer.predict(c.inputs);
      const context = Object.fromEntries(explainer.cut.passthrough.map((name) => [name, c.inputs[name]])) as ContextInputs;
      const cd = await createContextualDecomposition(ort, 'onnxruntime-node', explainer.cut.suffix, { input: layer, context });
      await explainer.dispose();
      const [, length, features] = x.shape as [number, number, number];
      const groups = [[], Array.from({ length }, (_, t) => t), [0], [3], [length - 1], [1, 2, 3], [4, 5, 6]];
      const masks = new Float32Array(groups.length * length * features);
      groups.forEach((g, k) => g.forEach((t) => masks.fill(1, (k * length + t) * features, (k * length + t + 1) * features)));
      const { relevant, irrelevant } = await cd.decompose(x.data, [length, features], masks, groups.length);
      await cd.dispose();
      const size = output.data.length;
      let worst = 0;
      groups.forEach((_, k) => {
        for (let o = 0; o < size; o++) {
          const sum = (relevant[k * size + o] as number) + (irrelevant[k * size + o] as number);
          worst = Math.max(worst, Math.abs(sum - (output.data[o] as number)));
        }
      });
      if (process.env.IG_MEASURE !== undefined) console.log(c.file, worst);
      const largest = (values: Float32Array): number => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      // The empty mask: nothing relevant (bias shares of 1e-20 / |irrelevant| at most). The full mask: nothing irrelevant.
      const emptyRel = largest(relevant.subarray(0, size));
      const fullIrrel = largest(irrelevant.subarray(size, 2 * size));
      expect(relevant.every(Number.isFinite) && irrelevant.every(Number.isFinite)).toBe(true);
      expect(worst).toBeLessThan(c.tolerance);
      // measured ≤ 7e-17 and ≤ 2e-17
      expect(emptyRel).toBeLessThan(1e-15);
      expect(fullIrrel).toBeLessThan(1e-15);
    });
  }
});
