import { describe, expect, it } from 'vitest';
import { createContextualDecomposition } from '../src/index.js';
import { attentionCase, type AttentionCaseSpec } from './helpers/contrib-attention-cases.js';
import { caseModel, type ContribCase } from './helpers/contrib-decomposition.js';
import { multiHeadCase } from './helpers/contrib-mha-cases.js';
import { runModel, runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';

const ort = runtimes.node;
const [sequence, hidden] = [4, 6];
const base: AttentionCaseSpec = { batch: 2, sequence, hidden, heads: 2 };

/** The parts of a model with a fixed batch of two for two masks of one x: mask k runs in row k, so row k of the mask input applies to it. */
async function partsOf(bytes: Uint8Array, x: Float32Array, masks: Float32Array): Promise<{ relevant: Float32Array; irrelevant: Float32Array }> {
  const cd = await createContextualDecomposition(ort, 'onnxruntime-node', bytes);
  const parts = await cd.decompose(x, [sequence, hidden], masks, 2);
  await cd.dispose();
  return parts;
}

const cases: readonly (readonly [string, ContribCase])[] = [
  ['Attention, key lengths (B)', attentionCase({ ...base, mask: { lengths: [3, 4] } })],
  ['Attention, left padding (2·B)', attentionCase({ ...base, mask: { ends: [4, 3], starts: [1, 0] } })],
  [
    'Attention, a raw (B, T) mask, unidirectional',
    attentionCase({
      ...base,
      mask: {
        raw: [
          [1, 0, 1, 1],
          [0, 1, 1, 1],
        ],
      },
      unidirectional: true,
    }),
  ],
  ['MultiHeadAttention, key lengths (B)', multiHeadCase({ ...base, sources: ['x', 'x', 'x'], bias: true, mask: { lengths: [2, 4] } })],
];

describe('contrib attention masks per batch row: each row of the mask applies to its own mask of the input', () => {
  it.each(cases)('%s', async (_what, c) => {
    const size = sequence * hidden;
    const x = uniform(rng(31), size, -2, 2);
    const random = rng(32);
    const masks = Float32Array.from({ length: 2 * size }, () => (random() < 0.5 ? 1 : 0));
    const fused = await partsOf(caseModel(c, c.fused), x, masks);
    const standard = await partsOf(caseModel(c, c.standard), x, masks);
    // onnxruntime's kernel on the batch [x, x]: row k is what mask k's parts add up to.
    const whole = await runModel(ort, caseModel(c, c.fused), { x: new ort.Tensor('float32', Float32Array.from([...x, ...x]), [2, sequence, hidden]) });
    const output = Object.values(whole)[0]?.data as Float32Array;
    let [deviation, completeness, scale] = [0, 0, 0];
    fused.relevant.forEach((rel, i) => {
      const irrel = fused.irrelevant[i] as number;
      deviation = Math.max(deviation, Math.abs(rel - (standard.relevant[i] as number)), Math.abs(irrel - (standard.irrelevant[i] as number)));
      completeness = Math.max(completeness, Math.abs(rel + irrel - (output[i] as number)));
      scale = Math.max(scale, Math.abs(rel), Math.abs(irrel));
    });
    if (process.env.IG_MEASURE !== undefined) {
      const plain = await runModel(ort, caseModel(c, c.standard), { x: new ort.Tensor('float32', Float32Array.from([...x, ...x]), [2, sequence, hidden]) });
      const plainOutput = Object.values(plain)[0]?.data as Float32Array;
      console.log(_what, deviation, completeness, scale, Math.max(...Array.from(output, (v, i) => Math.abs(v - (plainOutput[i] as number)))));
    }
    expect(scale).toBeGreaterThan(0.1);
    // Measured 0: the same ops on the same numbers.
    expect(deviation).toBeLessThanOrEqual(1e-8 * scale);
    // Measured at most 7.2e-7 of the scale (left padding; the kernel equals the standard ops there): float32 rounding of the parts' sums.
    expect(completeness).toBeLessThanOrEqual(2e-6 * scale);
  });
});
