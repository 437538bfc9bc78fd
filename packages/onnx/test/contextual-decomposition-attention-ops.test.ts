import { describe, expect, it } from 'vitest';
import { DECODER, decoderBlockModel } from './helpers/decoder-block.js';
import { writtenOutDecoderBlock } from './helpers/decoder-block-written-out.js';
import { decomposeModel } from './helpers/decompose.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

const { sequence, hidden } = DECODER;

/** Token masks over [S, hidden]: empty, full, each single token, spans, alternating tokens. */
function tokenMasks(): { masks: Float32Array; count: number } {
  const groups = [[], [0, 1, 2, 3, 4], [0], [2], [4], [1, 2, 3], [3, 4], [0, 2, 4], [1, 3]];
  const masks = new Float32Array(groups.length * sequence * hidden);
  groups.forEach((tokens, k) => tokens.forEach((t) => masks.fill(1, (k * sequence + t) * hidden, (k * sequence + t + 1) * hidden)));
  return { masks, count: groups.length };
}

describe('contextual decomposition of the opset-23 decoder block (RotaryEmbedding, causal GQA Attention)', () => {
  it('gives the parts of the same block written out in standard ops, and they sum to the logits', async () => {
    const x = uniform(rng(7), sequence * hidden, -1, 1);
    const { masks, count } = tokenMasks();
    const fused = await decomposeModel(decoderBlockModel(), x, [sequence, hidden], masks, count);
    const written = await decomposeModel(writtenOutDecoderBlock(), x, [sequence, hidden], masks, count);
    const size = fused.output.length;
    const scale = Math.max(1, maxAbs(fused.output));
    let worstSum = 0;
    let worstTwin = 0;
    for (let k = 0; k < count; k++) {
      for (let o = 0; o < size; o++) {
        const at = k * size + o;
        const rel = fused.relevant[at] as number;
        const irrel = fused.irrelevant[at] as number;
        worstSum = Math.max(worstSum, Math.abs(rel + irrel - (fused.output[o] as number)));
        worstTwin = Math.max(worstTwin, Math.abs(rel - (written.relevant[at] as number)), Math.abs(irrel - (written.irrelevant[at] as number)));
      }
    }
    if (process.env.IG_MEASURE !== undefined) console.log('decoder block', { worstSum, worstTwin, scale });
    expect(fused.relevant.every(Number.isFinite) && fused.irrelevant.every(Number.isFinite)).toBe(true);
    // Measured 1.8e-7 (logits below 1).
    expect(worstSum).toBeLessThan(1e-6 * scale);
    // Measured 1.2e-7: RotaryEmbedding's kernel against its Mul/Add/Concat form.
    expect(worstTwin).toBeLessThan(1e-6 * scale);
    // Masks 2 to 4 (one token each) give a relevant part of their own: the agreement is not of zeros.
    for (let k = 2; k <= 4; k++) expect(maxAbs(fused.relevant.subarray(k * size, (k + 1) * size))).toBeGreaterThan(1e-2);
    // The empty mask: nothing relevant. The full mask: nothing irrelevant (as for the exported transformers).
    expect(maxAbs(fused.relevant.subarray(0, size))).toBeLessThan(1e-15);
    expect(maxAbs(fused.irrelevant.subarray(size, 2 * size))).toBeLessThan(1e-15);
  });
});
