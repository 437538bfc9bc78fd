import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContextualDecomposition, createTokenLayerExplainer, findEmbeddingOutput } from '../src/index.js';
import { fixturesDir } from './helpers/fixtures.js';
import { runtimes } from './helpers/ort.js';
import { rng } from './helpers/random.js';

// scripts/contrib_transformer.py: one BERT-like classifier written with onnxruntime's contrib ops
// (EmbedLayerNormalization, Attention) and with standard ops, with the same weights.
const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixturesDir, 'contrib-transformer', `${name}.onnx`)));
const ort = runtimes.node;

/** The decomposition at the word embeddings of one example for each token group: relevant and irrelevant logits, and the logits. */
async function decomposeGroups(bytes: Uint8Array, example: { ids: number[]; mask: number[] }, groups: readonly number[][]) {
  const layer = findEmbeddingOutput(bytes) as string;
  const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', bytes, layer);
  const shape = [1, example.ids.length];
  const inputs = { input_ids: { data: Int32Array.from(example.ids), shape }, attention_mask: { data: Int32Array.from(example.mask), shape } };
  const x = await explainer.activation(inputs as never);
  const logits = (await explainer.predict(inputs as never)).data;
  const context = Object.fromEntries(explainer.cut.passthrough.map((name) => [name, inputs[name as keyof typeof inputs]]));
  const cd = await createContextualDecomposition(ort, 'onnxruntime-node', explainer.cut.suffix, { input: layer, context: context as never });
  const [, length, features] = x.shape as [number, number, number];
  const masks = new Float32Array(groups.length * length * features);
  groups.forEach((g, k) => g.forEach((t) => masks.fill(1, (k * length + t) * features, (k * length + t + 1) * features)));
  const { relevant, irrelevant } = await cd.decompose(x.data, [length, features], masks, groups.length);
  await cd.dispose();
  await explainer.dispose();
  return { relevant, irrelevant, logits };
}

const examples = [
  { ids: [3, 17, 25, 8, 31, 12], mask: [1, 1, 1, 1, 1, 1] },
  { ids: [5, 22, 9, 38, 0, 0], mask: [1, 1, 1, 1, 0, 0] },
];

describe('contextual decomposition of a transformer with contrib ops equals that of its standard-ops twin', () => {
  it.each(examples)('example %#', async (example) => {
    const random = rng(5);
    const groups = [...Array.from({ length: 6 }, () => example.ids.map((_, t) => t).filter(() => random() < 0.4)), [0, 1, 2], []];
    const fused = await decomposeGroups(bytesOf('contrib'), example, groups);
    const plain = await decomposeGroups(bytesOf('standard'), example, groups);
    let deviation = 0;
    let completeness = 0;
    let scale = 0;
    fused.relevant.forEach((rel, i) => {
      const irrel = fused.irrelevant[i] as number;
      deviation = Math.max(deviation, Math.abs(rel - (plain.relevant[i] as number)), Math.abs(irrel - (plain.irrelevant[i] as number)));
      completeness = Math.max(completeness, Math.abs(rel + irrel - (fused.logits[i % 2] as number)));
      scale = Math.max(scale, Math.abs(rel));
    });
    if (process.env.IG_MEASURE !== undefined) console.log(deviation, completeness, scale);
    expect(scale).toBeGreaterThan(0.05);
    // Groups get different relevant parts; the empty group none.
    expect(Math.abs((fused.relevant[0] as number) - (fused.relevant[2] as number))).toBeGreaterThan(1e-3);
    expect(Math.max(Math.abs(fused.relevant[14] as number), Math.abs(fused.relevant[15] as number))).toBeLessThan(1e-12);
    // Measured 0: the rewritten embedding and the Attention rule run the twin's ops (its mask bias another way to the same
    // constant); the bound leaves room for sums in another order.
    expect(deviation).toBeLessThanOrEqual(1e-6 * scale);
    // Measured at most 1.1e-6 on logits near 3 (float32 sums of the parts through two layers).
    expect(completeness).toBeLessThanOrEqual(5e-6);
  });
});
