import { describe, expect, it } from 'vitest';
import { targetAt, tokenSums } from '@ig/core';
import { createTokenLayerExplainer, DataType, decodeModel, encodeModel, findEmbeddingOutput } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';
import { ids } from './helpers/text.js';

const VOCAB = 7;
const DIM = 3;
const LENGTH = 5;
const CLASSES = 4;
const random = rng(5);
const table = Array.from(uniform(random, VOCAB * DIM, -1, 1));
const weights = Array.from(uniform(random, DIM * CLASSES, -1, 1));

/** A token classifier: logits[p, c] = mask[p] · Σ_d E[ids[p], d] · W[d, c], output [1, LENGTH, CLASSES]. */
function tokenClassifier(): Uint8Array {
  const bytes = makeModel({
    opset: 13,
    inputs: { input_ids: [1, LENGTH], attention_mask: [1, LENGTH] },
    constants: { table: { dims: [VOCAB, DIM], values: table }, w: { dims: [DIM, CLASSES], values: weights }, axes: { dims: [1], values: [2], type: 'int64' } },
    nodes: [
      { op: 'Gather', inputs: ['table', 'input_ids'], outputs: ['embedded'] },
      { op: 'Unsqueeze', inputs: ['attention_mask', 'axes'], outputs: ['mask3'] },
      { op: 'Cast', inputs: ['mask3'], outputs: ['maskf'], attributes: { to: { int: DataType.FLOAT } } },
      { op: 'Mul', inputs: ['embedded', 'maskf'], outputs: ['masked'] },
      { op: 'MatMul', inputs: ['masked', 'w'], outputs: ['logits'] },
    ],
    outputs: ['logits'],
  });
  const model = decodeModel(bytes);
  for (const input of model.graph?.input ?? []) if (input.type?.tensorType) input.type.tensorType.elemType = DataType.INT64;
  return encodeModel(model);
}

describe('targets on a sequence output [1, positions, classes]', () => {
  it('targetAt([position, class]) attributes exactly (E[id] − E[pad])·W[:, class] at that position and zero elsewhere', async () => {
    const model = tokenClassifier();
    const layer = findEmbeddingOutput(model) as string;
    expect(layer).toBe('embedded');
    const explainer = await createTokenLayerExplainer(runtimes.node, 'onnxruntime-node', model, layer);
    const tokens = [3, 6, 1, 0, 0];
    const mask = [1, 1, 1, 0, 0];
    const inputs = { input_ids: ids(tokens), attention_mask: ids(mask) };
    const output = await explainer.predict(inputs);
    expect(output.shape).toEqual([1, LENGTH, CLASSES]);
    for (const [position, cls] of [
      [1, 2],
      [0, 3],
      [4, 1],
    ] as const) {
      const result = await explainer.attribute(inputs, {
        baselines: { input_ids: ids([0, 0, 0, 0, 0]) },
        target: { weights: targetAt(output.shape, [position, cls]) },
        steps: 4,
      });
      const attribution = result.attributions[0]?.data as Float32Array;
      for (let p = 0; p < LENGTH; p++) {
        for (let d = 0; d < DIM; d++) {
          const expected =
            p === position ? mask[p]! * ((table[tokens[p]! * DIM + d] as number) - (table[d] as number)) * (weights[d * CLASSES + cls] as number) : 0;
          // The objective is linear in the embedding: IG is exact up to float32 rounding (measured 8.9e-9).
          expect(Math.abs((attribution[p * DIM + d] as number) - expected)).toBeLessThan(5e-8);
        }
      }
      const perToken = tokenSums(result.attributions[0] as { data: Float32Array; shape: readonly number[] });
      expect(Math.abs(perToken.reduce((a, b) => a + b, 0) - ((result.reports[0]?.fInput ?? 0) - (result.reports[0]?.fBaseline ?? 0)))).toBeLessThan(1e-6);
    }
    await explainer.dispose();
  });
});
