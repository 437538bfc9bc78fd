import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTokenLayerExplainer, DataType, decodeModel, findEmbeddingOutput, type TokenLayerExplainer } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { fixturesDir } from './helpers/fixtures.js';
import * as ortNode from 'onnxruntime-node';
import { runtimes } from './helpers/ort.js';

// scripts/contrib_transformer.py: one small BERT-like classifier written with onnxruntime's
// contrib ops (EmbedLayerNormalization, Attention) and with standard ops, with the same weights.
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixturesDir, 'contrib-transformer', `${name}.onnx`)));
const contrib = bytesOf('contrib');
const standard = bytesOf('standard');

// Two examples: the second right-padded (its mask ends in zeros, the ids in the pad id 0).
const examples = [
  { ids: [3, 17, 25, 8, 31, 12], mask: [1, 1, 1, 1, 1, 1] },
  { ids: [5, 22, 9, 38, 0, 0], mask: [1, 1, 1, 1, 0, 0] },
];
const inputsOf = ({ ids, mask }: { ids: number[]; mask: number[] }) => {
  const shape = [1, ids.length];
  return { input_ids: { data: Int32Array.from(ids), shape }, attention_mask: { data: Int32Array.from(mask), shape } };
};

async function logitsOf(bytes: Uint8Array, example: { ids: number[]; mask: number[] }): Promise<Float32Array> {
  const session = await ortNode.InferenceSession.create(bytes, { executionProviders: ['cpu'], logSeverityLevel: 4 });
  const inputs = inputsOf(example);
  const feeds = Object.fromEntries(Object.entries(inputs).map(([name, v]) => [name, new ortNode.Tensor('int32', v.data, v.shape)]));
  const output = (await session.run(feeds)).logits?.data as Float32Array;
  await session.release();
  return output;
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
};

describe('a transformer with onnxruntime contrib ops explained as its standard-ops twin', () => {
  it('onnxruntime gives both models the same logits', async () => {
    for (const example of examples) {
      const [fused, plain] = [await logitsOf(contrib, example), await logitsOf(standard, example)];
      expect(fused.length).toBe(2);
      // Measured: 4.8e-7 on logits near 2 (float32 sums in other orders).
      expect(maxDifference(fused, plain)).toBeLessThan(4e-6);
    }
  });

  it('finds the word-embedding Gather of EmbedLayerNormalization as the token layer', () => {
    expect(findEmbeddingOutput(contrib)).toBe('embedded/word_embeddings');
    expect(findEmbeddingOutput(standard)).toBe('words');
  });

  it('knows how many positions EmbedLayerNormalization has embeddings for, and refuses a longer text by name', async () => {
    const explainer = await createTokenLayerExplainer(runtimes.node, 'onnxruntime-node', contrib, 'embedded/word_embeddings');
    expect(explainer.maxPositions).toBe(16);
    const long = { ids: Array.from({ length: 17 }, (_, i) => i + 1), mask: new Array<number>(17).fill(1) };
    await expect(explainer.predict(inputsOf(long))).rejects.toThrow(/has 17 positions; the model has position embeddings for at most 16 tokens/);
    await explainer.dispose();
  });

  it('token-layer Integrated Gradients equal those of the standard-ops model, with completeness', async () => {
    const open = (bytes: Uint8Array): Promise<TokenLayerExplainer> =>
      createTokenLayerExplainer(runtimes.node, 'onnxruntime-node', bytes, findEmbeddingOutput(bytes) as string);
    const [fused, plain] = [await open(contrib), await open(standard)];
    for (const example of examples) {
      const inputs = inputsOf(example);
      const baselines = { input_ids: { data: new Int32Array(example.ids.length), shape: [1, example.ids.length] } };
      const expected = await logitsOf(contrib, example);
      // The explainer runs the model with EmbedLayerNormalization rewritten into standard ops. Measured: 7.2e-7.
      expect(maxDifference((await fused.predict(inputs)).data, expected)).toBeLessThan(5e-6);
      const [a, b] = [await fused.attribute(inputs, { baselines, target: 1, steps: 64 }), await plain.attribute(inputs, { baselines, target: 1, steps: 64 })];
      const [fusedAttribution, plainAttribution] = [a.attributions[0]?.data as Float32Array, b.attributions[0]?.data as Float32Array];
      expect(fusedAttribution.length).toBe(example.ids.length * 16);
      const scale = Math.max(...Array.from(plainAttribution, Math.abs));
      // Measured: at most 2.3e-7 of the largest attribution (the two gradient graphs sum in other orders).
      expect(maxDifference(fusedAttribution, plainAttribution)).toBeLessThan(2e-6 * scale);
      const report = a.reports[0];
      expect(report?.fInput).toBeCloseTo(expected[1] as number, 5);
      const sum = fusedAttribution.reduce((s, v) => s + v, 0);
      const difference = (report?.fInput ?? 0) - (report?.fBaseline ?? 0);
      expect(Math.abs(difference)).toBeGreaterThan(0.05);
      // Measured: relative completeness error at most 3.2e-7 at 64 steps (a smooth network: GELU, tanh).
      expect(Math.abs(sum - difference)).toBeLessThan(3e-6 * Math.abs(difference));
    }
    await fused.dispose();
    await plain.dispose();
  });

  it('onnxruntime-web (wasm) gives the attributions onnxruntime-node gives', async () => {
    const layer = 'embedded/word_embeddings';
    const onNode = await createTokenLayerExplainer(runtimes.node, 'onnxruntime-node', contrib, layer);
    const onWeb = await createTokenLayerExplainer(runtimes.web, 'onnxruntime-web', contrib, layer, { executionProviders: ['wasm'] });
    const example = examples[1] as { ids: number[]; mask: number[] };
    const inputs = inputsOf(example);
    const baselines = { input_ids: { data: new Int32Array(example.ids.length), shape: [1, example.ids.length] } };
    const [a, b] = [await onNode.attribute(inputs, { baselines, target: 0, steps: 32 }), await onWeb.attribute(inputs, { baselines, target: 0, steps: 32 })];
    const [node, web] = [a.attributions[0]?.data as Float32Array, b.attributions[0]?.data as Float32Array];
    expect(web.length).toBe(node.length);
    // Measured: 2.6e-7 of the largest attribution (wasm's kernels sum in other orders).
    expect(maxDifference(node, web)).toBeLessThan(2e-6 * Math.max(...Array.from(node, Math.abs)));
    await onNode.dispose();
    await onWeb.dispose();
  });
});

describe('finding the word lookup leaves the model as it was', () => {
  it("the caller's contrib model keeps its EmbedLayerNormalization node", () => {
    const model = decodeModel(contrib);
    const before = model.graph?.node?.map((node) => node.opType);
    expect(findEmbeddingOutput(model)).toMatch(/\/word_embeddings$/);
    expect(model.graph?.node?.map((node) => node.opType)).toEqual(before);
    expect(before).toContain('EmbedLayerNormalization');
  });

  it('a legacy-opset model without it is read at its own opset (no rewrite, no opset check)', () => {
    const model = decodeModel(
      makeModel({
        opset: 9,
        inputs: { ids: ['N', 4] },
        constants: { table: { dims: [10, 3], values: Array.from({ length: 30 }, (_, i) => i / 10) } },
        nodes: [
          { op: 'Gather', inputs: ['table', 'ids'], outputs: ['embedded'] },
          { op: 'ReduceSum', inputs: ['embedded'], outputs: ['y'], attributes: { axes: { ints: [1, 2] }, keepdims: { int: 0 } } },
        ],
        outputs: ['y'],
      }),
    );
    (model.graph?.input?.[0]?.type?.tensorType as { elemType: number }).elemType = DataType.INT64;
    expect(findEmbeddingOutput(model)).toBe('embedded');
  });
});
