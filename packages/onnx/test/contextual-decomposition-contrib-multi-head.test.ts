import { describe, expect, it } from 'vitest';
import { multiHeadCase, type MultiHeadCaseSpec } from './helpers/contrib-mha-cases.js';
import { caseModel, expectStandardOpsDecomposition } from './helpers/contrib-decomposition.js';
import { decompositionError } from './helpers/decomposition-error.js';

const self: MultiHeadCaseSpec = { batch: 1, sequence: 4, hidden: 6, heads: 2, sources: ['x', 'x', 'x'], bias: true };
const cross: MultiHeadCaseSpec = { ...self, sources: ['x', 'constant', 'constant'], keys: 5 };

const cases: readonly (readonly [string, MultiHeadCaseSpec])[] = [
  ['self attention, no mask', self],
  ['key lengths (B)', { ...self, mask: { lengths: [3] } }],
  ['a raw 0/1 (B, T) mask and mask_filter_value', { ...self, mask: { raw: [[1, 1, 0, 1]] }, filterValue: -300 }],
  ['unidirectional with key lengths', { ...self, mask: { lengths: [3] }, unidirectional: true }],
  ['no bias, and scale', { ...self, bias: false, scale: 0.4 }],
  ['cross attention to constant keys and values, raw mask', { ...cross, mask: { raw: [[1, 0, 1, 1, 0]] } }],
  ['a decomposed value with constant keys', { ...self, sources: ['constant', 'constant', 'x'], mask: { lengths: [2] } }],
  ['attention_bias [1, N, S, T]', { ...self, attentionBias: Array.from({ length: 32 }, (_, k) => Math.sin(k) * 1.5) }],
  [
    'cross attention with a raw mask and attention_bias',
    { ...cross, mask: { raw: [[1, 1, 0, 1, 1]] }, attentionBias: Array.from({ length: 40 }, (_, k) => Math.cos(k)) },
  ],
];

describe('contextual decomposition of com.microsoft.MultiHeadAttention equals that of its standard ops', () => {
  it.each(cases)('%s', async (what, spec) => {
    // Measured 0: both graphs run the same ops on the same numbers; the bound leaves room for a reordered sum.
    // Measured at most 1.0e-7 of the scale (no mask): float32 rounding of the parts' sums against onnxruntime's kernel.
    await expectStandardOpsDecomposition(multiHeadCase(spec), what);
  });
});

/** The self-attention case with the node's inputs or outputs replaced, and extra constants. */
function variant(
  spec: MultiHeadCaseSpec,
  inputs: readonly string[] | undefined,
  constants: Record<string, { dims: number[]; values: number[]; type?: 'int32' }>,
  outputs = ['y'],
): Uint8Array {
  const c = multiHeadCase(spec);
  const fused = c.fused.nodes[0] as (typeof c.fused.nodes)[number];
  return caseModel({ ...c, constants: { ...c.constants, ...constants } }, { ...c.fused, nodes: [{ ...fused, inputs: inputs ?? fused.inputs, outputs }] });
}

describe('forms of com.microsoft.MultiHeadAttention without a contextual-decomposition rule are refused, naming the form', () => {
  it.each([
    [
      'left padding (2·B) in a model whose batch is stated',
      variant(self, ['x', 'x', 'x', 'packed_bias', 'mask'], { mask: { dims: [2], values: [4, 1], type: 'int32' } }),
      /has 2 entries for a batch of 1/,
    ],
    [
      'a raw (B, S, T) mask',
      variant(self, ['x', 'x', 'x', 'packed_bias', 'mask'], { mask: { dims: [1, 4, 4], values: new Array<number>(16).fill(1), type: 'int32' } }),
      /raw \(B, S, T\) mask; key lengths \(B\) and a raw \(B, T\) mask are decomposed/,
    ],
    ['present_key', variant(self, undefined, {}, ['y', 'pk']), /present_key or present_value/],
    ['unidirectional cross attention', variant({ ...cross, unidirectional: true }, undefined, {}), /unidirectional 1 with 5 keys for 4 queries/],
    ['a 4-D key (BNSH)', variant(self, ['x', 'k4', 'k4'], { k4: { dims: [1, 2, 4, 3], values: new Array<number>(24).fill(0.1) } }), /"k4" is 4-D/],
  ])('%s', (_what, bytes, reason) => {
    const error = decompositionError(bytes);
    expect(error.nodes[0]?.opType).toBe('MultiHeadAttention');
    expect(error.nodes[0]?.reason).toMatch(reason);
  });
});
