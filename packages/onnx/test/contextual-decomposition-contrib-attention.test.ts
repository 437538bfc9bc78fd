import { describe, expect, it } from 'vitest';
import { inspect } from '../src/index.js';
import { attentionCase, int64, type AttentionCaseSpec } from './helpers/contrib-attention-cases.js';
import { caseModel, expectStandardOpsDecomposition, node } from './helpers/contrib-decomposition.js';
import { decompositionError } from './helpers/decomposition-error.js';

const base: AttentionCaseSpec = { batch: 1, sequence: 4, hidden: 6, heads: 2 };

const cases: readonly (readonly [string, AttentionCaseSpec])[] = [
  ['no mask', base],
  ['key lengths (B)', { ...base, mask: { lengths: [3] } }],
  ['left padding (2·B)', { ...base, mask: { ends: [4], starts: [1] } }],
  ['a raw 0/1 (B, T) mask and mask_filter_value', { ...base, mask: { raw: [[1, 0, 1, 1]] }, filterValue: -500 }],
  ['unidirectional', { ...base, unidirectional: true }],
  ['unidirectional with key lengths', { ...base, mask: { lengths: [2] }, unidirectional: true }],
  [
    'a raw 0/1 (B, S, T) mask: each query its own keys',
    {
      ...base,
      mask: {
        raw3: [
          [
            [1, 1, 0, 1],
            [0, 1, 1, 1],
            [1, 0, 0, 1],
            [1, 1, 1, 0],
          ],
        ],
      },
    },
  ],
  ['attention_bias [1, N, S, T]', { ...base, attentionBias: Array.from({ length: 32 }, (_, k) => Math.sin(k) * 1.5) }],
  [
    'attention_bias with key lengths and unidirectional',
    { ...base, mask: { lengths: [3] }, unidirectional: true, attentionBias: Array.from({ length: 32 }, (_, k) => Math.cos(k)) },
  ],
  ['qkv_hidden_sizes with a value size of its own, and scale', { ...base, heads: 2, sizes: [4, 4, 8], scale: 0.3 }],
];

describe('contextual decomposition of com.microsoft.Attention equals that of its standard ops', () => {
  it.each(cases)('%s', async (what, spec) => {
    // Measured 0: both graphs run the same ops on the same numbers; the bound leaves room for a reordered sum.
    // Measured at most 3.8e-7 of the scale (attention_bias with key lengths): float32 rounding of the parts' sums against onnxruntime's kernel.
    await expectStandardOpsDecomposition(attentionCase(spec), what);
  });

  it('inspect() counts com.microsoft.Attention as supported', () => {
    const c = attentionCase(base);
    expect(inspect(caseModel(c, c.fused)).contextualDecompositionCoverage).toEqual({ supported: ['com.microsoft.Attention'], unsupported: [] });
  });
});

/** The Attention case of `base` with the node's inputs, outputs and extra constants replaced. */
function variant(inputs: readonly string[], constants: Record<string, { dims: number[]; values: number[]; type?: 'int32' }>, outputs = ['y']): Uint8Array {
  const c = attentionCase(base);
  const attention = { ...(c.fused.nodes[0] as (typeof c.fused.nodes)[number]), inputs, outputs };
  return caseModel({ ...c, constants: { ...c.constants, ...constants } }, { ...c.fused, nodes: [attention] });
}

/** The Attention case of `base` with attention_bias [1, 1, S, S] computed from the input: x·xᵀ, unsqueezed. */
function variantWithNodes(inputs: readonly string[]): Uint8Array {
  const c = attentionCase(base);
  const attention = { ...(c.fused.nodes[0] as (typeof c.fused.nodes)[number]), inputs };
  const nodes = [
    node('Transpose', ['x'], ['xt'], { perm: { ints: [0, 2, 1] } }),
    node('MatMul', ['x', 'xt'], ['scores']),
    node('Unsqueeze', ['scores', 'head_axis'], ['ab']),
    attention,
  ];
  return caseModel({ ...c, constants: { ...c.constants, head_axis: int64([1]) } }, { ...c.fused, nodes });
}

describe('forms of com.microsoft.Attention without a contextual-decomposition rule are refused, naming the form', () => {
  it.each([
    ['a 4-D mask', variant(['x', 'w', 'b', 'mask'], { mask: { dims: [1, 1, 4, 4], values: new Array<number>(16).fill(1), type: 'int32' } }), /a 4-D mask/],
    ['an attention_bias computed from the input', variantWithNodes(['x', 'w', 'b', '', '', 'ab']), /attention_bias \(input 5\) depends on the model input/],
    ['the present output', variant(['x', 'w', 'b'], {}, ['y', 'present']), /present output/],
  ])('%s', (_what, bytes, reason) => {
    const error = decompositionError(bytes);
    expect(error.nodes[0]?.opType).toBe('Attention');
    expect(error.nodes[0]?.domain).toBe('com.microsoft');
    expect(error.nodes[0]?.reason).toMatch(reason);
  });
});
