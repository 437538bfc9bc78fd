import type { ConstantSpec, NodeSpec } from '../helpers/model.js';
import { DataType } from '../../src/index.js';
import { float, int, node, single, type OpCase } from './case.js';

/** A boolean mask from 0/1 floats (a Cast), so its type is known only from the model's run. */
function boolMask(dims: number[], values: number[]): { nodes: NodeSpec[]; constants: Record<string, { dims: number[]; values: number[] }> } {
  return { nodes: [node('Cast', ['mask_f'], ['mask'], { to: int(DataType.BOOL) })], constants: { mask_f: { dims, values } } };
}

/** An Attention node reading q, k, v, [mask, past_key, past_value, nonpad] and writing `y` as output `outputIndex`. */
function attentionCase(
  name: string,
  inputs: Record<string, number[]>,
  nodeInputs: string[],
  attributes: NodeSpec['attributes'],
  extra: Pick<OpCase, 'ranges' | 'check'> & { opset?: number; outputIndex?: number; mask?: ReturnType<typeof boolMask>; lengths?: number[] } = {},
): OpCase {
  const outputIndex = extra.outputIndex ?? 0;
  // onnxruntime computes present_key and present_value whenever a past is given.
  const outputCount = Math.max(outputIndex + 1, nodeInputs[4] ? 3 : 1);
  const outputs = ['a', 'pk', 'pv', 'qk'].slice(0, outputCount).map((o, i) => (i === outputIndex ? 'y' : o));
  const lengths: Record<string, ConstantSpec> = extra.lengths ? { lengths: { dims: [extra.lengths.length], values: extra.lengths, type: 'int64' } } : {};
  return {
    name,
    model: {
      opset: extra.opset ?? 23,
      inputs,
      constants: { ...extra.mask?.constants, ...lengths },
      nodes: [...(extra.mask?.nodes ?? []), node('Attention', nodeInputs, outputs, attributes)],
      outputs: ['y'],
    },
    ranges: extra.ranges,
    check: extra.check,
  };
}

const qkv4 = { q: [2, 2, 3, 4], k: [2, 2, 5, 4], v: [2, 2, 5, 3] };
// Batch 0, query row 1 sees no key: onnxruntime gives a zero row there.
const maskWithEmptyRow = boolMask([2, 1, 3, 5], [1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1]);
const gqa3 = { q: [2, 3, 8], k: [2, 4, 4], v: [2, 4, 6] };
const gqaHeads = { q_num_heads: int(4), kv_num_heads: int(2) };
const withPast = { q: [1, 2, 2, 3], k: [1, 2, 2, 3], v: [1, 2, 2, 3], past_key: [1, 2, 3, 3], past_value: [1, 2, 3, 3] };
const pastInputs = ['q', 'k', 'v', '', 'past_key', 'past_value'];

const attentionCases: OpCase[] = [
  attentionCase('Attention 4-D cross attention, value head size 3', qkv4, ['q', 'k', 'v'], {}),
  attentionCase('Attention 3-D grouped-query (4 query heads, 2 kv heads)', gqa3, ['q', 'k', 'v'], gqaHeads),
  attentionCase('Attention 4-D grouped-query causal, scale 0.7', { q: [1, 4, 3, 2], k: [1, 2, 3, 2], v: [1, 2, 3, 2] }, ['q', 'k', 'v'], {
    is_causal: int(1),
    scale: float(0.7),
  }),
  attentionCase('Attention 3-D grouped-query causal', { q: [1, 4, 8], k: [1, 4, 4], v: [1, 4, 4] }, ['q', 'k', 'v'], { ...gqaHeads, is_causal: int(1) }),
  attentionCase('Attention causal with past key and value', withPast, pastInputs, { is_causal: int(1) }),
  attentionCase('Attention present_key with past', withPast, pastInputs, { is_causal: int(1) }, { outputIndex: 1, check: ['k', 'past_key'] }),
  attentionCase('Attention present_value with past', withPast, pastInputs, {}, { outputIndex: 2, check: ['v', 'past_value'] }),
  attentionCase('Attention bool mask [B, 1, Sq, T] with a fully masked row', qkv4, ['q', 'k', 'v', 'mask'], {}, { mask: maskWithEmptyRow }),
  attentionCase('Attention causal and bool mask', qkv4, ['q', 'k', 'v', 'mask'], { is_causal: int(1) }, { mask: maskWithEmptyRow }),
  attentionCase('Attention float mask [Sq, T]', { ...qkv4, mask: [3, 5] }, ['q', 'k', 'v', 'mask'], {}),
  attentionCase(
    'Attention float mask [heads, Sq, T] (batch 3, 2 heads) with causal',
    { q: [3, 2, 3, 4], k: [3, 2, 5, 4], v: [3, 2, 5, 3], mask: [2, 3, 5] },
    ['q', 'k', 'v', 'mask'],
    { is_causal: int(1) },
  ),
  attentionCase('Attention 3-D float mask [B, 1, Sq, T], grouped-query', { ...gqa3, mask: [2, 1, 3, 4] }, ['q', 'k', 'v', 'mask'], gqaHeads),
  attentionCase('Attention softcap 0.5', qkv4, ['q', 'k', 'v'], { softcap: float(0.5) }, { ranges: { q: [-2, 2], k: [-2, 2] } }),
  attentionCase(
    'Attention qk_matmul_output mode 0',
    { ...qkv4, mask: [3, 5] },
    ['q', 'k', 'v', 'mask'],
    { softcap: float(0.5) },
    { outputIndex: 3, check: ['q', 'k'] },
  ),
  attentionCase(
    'Attention qk_matmul_output mode 1 (softcap)',
    qkv4,
    ['q', 'k', 'v'],
    { softcap: float(0.5), qk_matmul_output_mode: int(1) },
    { outputIndex: 3, check: ['q', 'k'] },
  ),
  attentionCase(
    'Attention qk_matmul_output mode 2 (float mask)',
    { ...qkv4, mask: [3, 5] },
    ['q', 'k', 'v', 'mask'],
    { qk_matmul_output_mode: int(2) },
    { outputIndex: 3, check: ['q', 'k', 'mask'] },
  ),
  attentionCase(
    'Attention qk_matmul_output mode 3 (bool mask)',
    qkv4,
    ['q', 'k', 'v', 'mask'],
    { qk_matmul_output_mode: int(3) },
    { outputIndex: 3, mask: maskWithEmptyRow, check: ['q', 'k'] },
  ),
  attentionCase('Attention nonpad_kv_seqlen (opset 24)', qkv4, ['q', 'k', 'v', '', '', '', 'lengths'], {}, { opset: 24, lengths: [3, 5] }),
  attentionCase(
    'Attention nonpad_kv_seqlen causal, offsets 1 and 2 (opset 24)',
    qkv4,
    ['q', 'k', 'v', '', '', '', 'lengths'],
    { is_causal: int(1) },
    { opset: 24, lengths: [4, 5] },
  ),
  attentionCase(
    'Attention nonpad_kv_seqlen causal, negative offset (opset 24)',
    qkv4,
    ['q', 'k', 'v', '', '', '', 'lengths'],
    { is_causal: int(1) },
    { opset: 24, lengths: [2, 5] },
  ),
  attentionCase(
    'Attention 3-D grouped-query causal with past and bool mask',
    { q: [1, 2, 8], k: [1, 2, 4], v: [1, 2, 4], past_key: [1, 2, 3, 2], past_value: [1, 2, 3, 2] },
    ['q', 'k', 'v', 'mask', 'past_key', 'past_value'],
    { ...gqaHeads, is_causal: int(1) },
    { mask: boolMask([1, 1, 2, 5], [1, 1, 0, 1, 1, 0, 1, 1, 1, 1]) },
  ),
  attentionCase(
    'Attention nonpad_kv_seqlen, float mask, grouped-query (opset 24)',
    { q: [2, 4, 3, 2], k: [2, 2, 5, 2], v: [2, 2, 5, 2], mask: [2, 1, 3, 5] },
    ['q', 'k', 'v', 'mask', '', '', 'lengths'],
    {},
    { opset: 24, lengths: [4, 2] },
  ),
];

const positions = (values: number[], dims: number[]): Record<string, { dims: number[]; values: number[]; type: 'int64' }> => ({
  positions: { dims, values, type: 'int64' },
});

const rotaryCases: OpCase[] = [
  single(
    'RotaryEmbedding 4-D with position_ids',
    23,
    'RotaryEmbedding',
    { x: [2, 2, 3, 4], cos: [6, 2], sin: [6, 2] },
    {},
    {
      nodeInputs: ['x', 'cos', 'sin', 'positions'],
      constants: positions([0, 1, 2, 3, 5, 1], [2, 3]),
    },
  ),
  single(
    'RotaryEmbedding 3-D, num_heads 2, position_ids',
    23,
    'RotaryEmbedding',
    { x: [2, 3, 8], cos: [5, 2], sin: [5, 2] },
    { num_heads: int(2) },
    {
      nodeInputs: ['x', 'cos', 'sin', 'positions'],
      constants: positions([4, 0, 2, 1, 1, 3], [2, 3]),
    },
  ),
  single('RotaryEmbedding 4-D interleaved, 3-D caches', 23, 'RotaryEmbedding', { x: [2, 2, 3, 4], cos: [2, 3, 2], sin: [2, 3, 2] }, { interleaved: int(1) }),
  single(
    'RotaryEmbedding 3-D interleaved, partial (4 of 6)',
    23,
    'RotaryEmbedding',
    { x: [1, 3, 12], cos: [4, 2], sin: [4, 2] },
    {
      num_heads: int(2),
      interleaved: int(1),
      rotary_embedding_dim: int(4),
    },
    { nodeInputs: ['x', 'cos', 'sin', 'positions'], constants: positions([3, 1, 2], [1, 3]) },
  ),
  single(
    'RotaryEmbedding 4-D partial (2 of 6), 3-D caches',
    23,
    'RotaryEmbedding',
    { x: [1, 2, 3, 6], cos: [1, 3, 1], sin: [1, 3, 1] },
    { rotary_embedding_dim: int(2) },
  ),
];

/** Attention and RotaryEmbedding (opset 23/24), lowered into standard ops before differentiation. */
export const attentionRotaryCases: OpCase[] = [...attentionCases, ...rotaryCases];
