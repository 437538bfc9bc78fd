import { describe, expect, it } from 'vitest';
import { FORM, fusedAttention, writtenOutAttention, type AttentionForm } from './helpers/attention-forms.js';
import { decomposeModel } from './helpers/decompose.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

const { sequence, hidden } = FORM;
const x = uniform(rng(3), sequence * hidden, -1, 1);

/** Token masks over [S, hidden]: empty, full, single tokens, a span, alternating tokens. */
const groups = [[], [0, 1, 2, 3], [0], [3], [1, 2], [0, 2], [1, 3]];
const masks = new Float32Array(groups.length * sequence * hidden);
groups.forEach((tokens, k) => tokens.forEach((t) => masks.fill(1, (k * sequence + t) * hidden, (k * sequence + t + 1) * hidden)));

interface Measured {
  readonly sum: number;
  readonly twin: number;
}

/** max |rel + irrel − output| of the Attention layer, and max |part − the written-out layer's part|. */
async function compare(form: AttentionForm, output?: string): Promise<Measured & { fused: Awaited<ReturnType<typeof decomposeModel>> }> {
  const fused = await decomposeModel(fusedAttention(form), x, [sequence, hidden], masks, groups.length, output);
  const written = await decomposeModel(writtenOutAttention(form), x, [sequence, hidden], masks, groups.length, output);
  const size = fused.output.length;
  let sum = 0;
  let twin = 0;
  for (let at = 0; at < groups.length * size; at++) {
    const [rel, irrel] = [fused.relevant[at] as number, fused.irrelevant[at] as number];
    sum = Math.max(sum, Math.abs(rel + irrel - (fused.output[at % size] as number)));
    twin = Math.max(twin, Math.abs(rel - (written.relevant[at] as number)), Math.abs(irrel - (written.irrelevant[at] as number)));
  }
  expect(fused.relevant.every(Number.isFinite) && fused.irrelevant.every(Number.isFinite)).toBe(true);
  return { sum, twin, fused };
}

// Outputs below 2 in magnitude. Measured (IG_MEASURE=1): |rel + irrel − output| ≤ 1.3e-7; the
// written-out layer's parts equal ours exactly (the rewrite emits the same float32 ops in the same
// order), the bound leaving room for a kernel that sums in another order.
const TOLERANCE = 1e-6;
const TWIN_TOLERANCE = 1e-7;
// The full mask: (S(r) − S(0)) + S(0) rounds apart from S(r) in float32; measured 3.0e-8.
const FULL_MASK_IRRELEVANT = 1e-7;
const forms: Record<string, AttentionForm> = {
  'a boolean mask': { mask: 'bool' },
  'a float mask': { mask: 'float' },
  'softcap and is_causal': { softcap: 2, causal: true },
  'a constant past cache, is_causal': { past: 'constant', causal: true },
  'a past cache computed from the input, a float mask': { past: 'pair', mask: 'float' },
  '4-D inputs (heads read at run time), is_causal, a boolean mask': { fourD: true, causal: true, mask: 'bool' },
  '4-D inputs with a past cache computed from the input': { fourD: true, past: 'pair', causal: true },
};

describe('contextual decomposition of Attention (opset 23) against the same layer written out in standard ops', () => {
  for (const [name, form] of Object.entries(forms)) {
    it(`${name}: the parts sum to the output and equal the written-out layer's`, async () => {
      const { sum, twin, fused } = await compare(form);
      if (process.env.IG_MEASURE !== undefined) console.log(name, { sum, twin });
      expect(sum).toBeLessThan(TOLERANCE);
      expect(twin).toBeLessThan(TWIN_TOLERANCE);
      const size = fused.output.length;
      // The empty mask leaves nothing relevant; the full mask nothing irrelevant unless a constant past cache is.
      expect(maxAbs(fused.relevant.subarray(0, size))).toBeLessThan(1e-15);
      if (form.past !== 'constant') expect(maxAbs(fused.irrelevant.subarray(size, 2 * size))).toBeLessThan(FULL_MASK_IRRELEVANT);
    });
  }

  it('present_key: the past cache concatenated with the new keys, part by part', async () => {
    const { sum, twin } = await compare({ past: 'pair', causal: true }, 'present_key');
    expect(sum).toBeLessThan(TOLERANCE);
    expect(twin).toBeLessThan(TWIN_TOLERANCE);
  });

  it('a query row with no key allowed gives 0 in both parts, as onnxruntime gives 0', async () => {
    const fused = await decomposeModel(fusedAttention({ mask: 'bool-empty-row' }), x, [sequence, hidden], masks, groups.length);
    const size = fused.output.length;
    let worst = 0;
    for (let at = 0; at < groups.length * size; at++)
      worst = Math.max(worst, Math.abs((fused.relevant[at] as number) + (fused.irrelevant[at] as number) - (fused.output[at % size] as number)));
    expect(worst).toBeLessThan(TOLERANCE);
    // Row 1 of y [S, hidden] for every mask.
    for (let k = 0; k < groups.length; k++) {
      const row = k * size + hidden;
      expect(maxAbs(fused.relevant.subarray(row, row + hidden))).toBe(0);
      expect(maxAbs(fused.irrelevant.subarray(row, row + hidden))).toBe(0);
    }
  });
});
