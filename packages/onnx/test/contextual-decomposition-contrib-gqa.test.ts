import { describe, expect, it } from 'vitest';
import { caseModel, expectStandardOpsDecomposition, contribNode, node, randomConstant, type ContribCase } from './helpers/contrib-decomposition.js';
import { decompositionError } from './helpers/decomposition-error.js';
import type { ConstantSpec } from './helpers/model.js';

// com.microsoft.GroupQueryAttention (2 query heads, 1 key/value head, heads of 16: onnxruntime's
// CPU kernel wants multiples of 16 with do_rotary) on Q, K, V projected from x, against the same attention written
// with the opset-23 ops whose rules the tests check elsewhere: RotaryEmbedding and Attention
// (is_causal, a boolean mask for seqlens_k).
const SEQUENCE = 3;
const int64 = (dims: number[], values: number[]): ConstantSpec => ({ dims, values, type: 'int64' });
const int32 = (dims: number[], values: number[]): ConstantSpec => ({ dims, values, type: 'int32' });

interface GqaSpec {
  readonly seqlens: number;
  readonly rotary?: 'halves' | 'interleaved';
  readonly scale?: number;
}

function gqaCase(spec: GqaSpec): ContribCase {
  const rotary = spec.rotary !== undefined;
  const interleaved = spec.rotary === 'interleaved' ? 1 : 0;
  const projections = [node('MatMul', ['x', 'wq'], ['q']), node('MatMul', ['x', 'wk'], ['k']), node('MatMul', ['x', 'wv'], ['v'])];
  const gqaAttributes = {
    num_heads: { int: 2 },
    kv_num_heads: { int: 1 },
    ...(rotary ? { do_rotary: { int: 1 }, rotary_interleaved: { int: interleaved } } : {}),
    ...(spec.scale === undefined ? {} : { scale: { float: spec.scale } }),
  };
  const gqaInputs = ['q', 'k', 'v', '', '', 'seqlens_k', 'total_length', ...(rotary ? ['cos', 'sin'] : [])];
  const heads = (name: string): ReturnType<typeof node>[] => [
    node('Reshape', [name, `${name}_shape`], [`${name}_r`]),
    node('Transpose', [`${name}_r`], [`${name}_h`], { perm: { ints: [0, 2, 1, 3] } }),
    ...(rotary && name !== 'v'
      ? [node('RotaryEmbedding', [`${name}_h`, 'cos', 'sin', 'positions'], [`${name}_4`], { interleaved: { int: interleaved } })]
      : [node('Identity', [`${name}_h`], [`${name}_4`])]),
  ];
  const visible = Array.from({ length: SEQUENCE }, (_, j) => (j <= spec.seqlens ? 1 : 0));
  return {
    shape: [1, SEQUENCE, 8],
    constants: {
      wq: randomConstant(41, [8, 32]),
      wk: randomConstant(42, [8, 16]),
      wv: randomConstant(43, [8, 16]),
      cos: randomConstant(44, [5, 8]),
      sin: randomConstant(45, [5, 8]),
      seqlens_k: int32([1], [spec.seqlens]),
      total_length: int32([], [SEQUENCE]),
      q_shape: int64([4], [0, 0, 2, 16]),
      k_shape: int64([4], [0, 0, 1, 16]),
      v_shape: int64([4], [0, 0, 1, 16]),
      positions: int64([1, SEQUENCE], [0, 1, 2]),
      // onnxruntime's Attention wants a row per query: the same keys for each.
      keys: { dims: [1, 1, SEQUENCE, SEQUENCE], values: Array.from({ length: SEQUENCE }, () => visible).flat(), type: 'bool' },
      merged: int64([3], [0, 0, -1]),
    },
    fused: { opset: 13, nodes: [...projections, contribNode('GroupQueryAttention', gqaInputs, gqaAttributes)] },
    standard: {
      opset: 23,
      nodes: [
        ...projections,
        ...heads('q'),
        ...heads('k'),
        ...heads('v'),
        node('Attention', ['q_4', 'k_4', 'v_4', 'keys'], ['o'], {
          is_causal: { int: 1 },
          ...(spec.scale === undefined ? {} : { scale: { float: spec.scale } }),
        }),
        node('Transpose', ['o'], ['ot'], { perm: { ints: [0, 2, 1, 3] } }),
        node('Reshape', ['ot', 'merged'], ['y']),
      ],
    },
  };
}

describe('contextual decomposition of com.microsoft.GroupQueryAttention equals that of the opset-23 RotaryEmbedding and Attention', () => {
  it.each([
    ['causal, every key of the prompt', { seqlens: 2 }],
    ['seqlens_k 1: the last key hidden, and scale', { seqlens: 1, scale: 0.4 }],
    ['do_rotary (halves)', { seqlens: 2, rotary: 'halves' }],
    ['do_rotary interleaved, seqlens_k 1', { seqlens: 1, rotary: 'interleaved' }],
  ] as const)('%s', async (what, spec) => {
    // Measured 0: the same ops on the same numbers.
    // relevant + irrelevant against onnxruntime's GroupQueryAttention kernel: measured at most 2.7e-7 of the scale
    await expectStandardOpsDecomposition(gqaCase(spec), what);
  });

  it('a named present_key is refused, naming the form', () => {
    const c = gqaCase({ seqlens: 2 });
    const gqa = c.fused.nodes[3] as ReturnType<typeof contribNode>;
    const present = caseModel({ ...c }, { ...c.fused, nodes: [...c.fused.nodes.slice(0, 3), { ...gqa, outputs: ['y', 'pk', 'pv'] }] });
    expect(decompositionError(present).nodes[0]?.reason).toMatch(/present_key or present_value output is named/);
  });
});
