import { DECODER, decoderBlockSpec } from './decoder-block.js';
import { makeModel, type ConstantSpec, type ModelSpec, type NodeSpec } from './model.js';

/** float32's lowest value: the additive causal mask torch exports before opset 23. */
export const FLOAT32_LOWEST = -3.4028234663852886e38;

/** One node writing one output (the written-out models' shorthand). */
export const node = (op: string, inputs: string[], output: string, attributes: NodeSpec['attributes'] = {}): NodeSpec => ({
  op,
  inputs,
  outputs: [output],
  attributes,
});
export const i64 = (values: number[]): ConstantSpec => ({ dims: [values.length], values, type: 'int64' });

/** The RoPE cache rows of positions 0 … S−1 repeated over both halves, [S, 1, headSize]: torch's cat((freqs, freqs)). */
function fullRows(cache: ConstantSpec): ConstantSpec {
  const { sequence, headSize } = DECODER;
  const half = headSize / 2;
  const values = Array.from({ length: sequence * headSize }, (_, k) => cache.values[Math.floor(k / headSize) * half + (k % half)] as number);
  return { dims: [sequence, 1, headSize], values };
}

/** x [n, S, heads·size] rotated as torch writes RoPE: x·cos + rotate_half(x)·sin, rotate_half(x) = cat(−x₂, x₁); gives [n, heads, S, size]. */
function rotated(input: string, heads: number, output: string): NodeSpec[] {
  const p = `${output}_`;
  return [
    node('Reshape', [input, `heads_${heads}`], `${p}heads`),
    node('Slice', [`${p}heads`, 'half', 'size', 'axis3'], `${p}second`),
    node('Slice', [`${p}heads`, 'zero', 'half', 'axis3'], `${p}first`),
    node('Neg', [`${p}second`], `${p}second_neg`),
    node('Concat', [`${p}second_neg`, `${p}first`], `${p}turned`, { axis: { int: 3 } }),
    node('Mul', [`${p}heads`, 'cos_rows'], `${p}cos`),
    node('Mul', [`${p}turned`, 'sin_rows'], `${p}sin`),
    node('Add', [`${p}cos`, `${p}sin`], `${p}sum`),
    node('Transpose', [`${p}sum`], output, { perm: { ints: [0, 2, 1, 3] } }),
  ];
}

/** k or v [n, kv heads, S, size] repeated to the query heads (torch's repeat_kv: unsqueeze, expand, reshape). */
function repeated(input: string, output: string): NodeSpec[] {
  return [
    node('Unsqueeze', [input, 'axis2'], `${output}_unsqueezed`),
    node('Expand', [`${output}_unsqueezed`, 'groups'], `${output}_expanded`),
    node('Reshape', [`${output}_expanded`, 'query_heads_shape'], output),
  ];
}

/**
 * The decoder block of decoder-block.ts with its RotaryEmbedding and Attention nodes written out in
 * the standard ops torch exports before opset 23 (same weights): RoPE as Mul, Slice, Neg, Concat
 * and Add; grouped-query attention as MatMul, Mul by 1/√size, Add of the causal mask (float32's
 * lowest above the diagonal), Softmax and MatMul.
 */
export function writtenOutDecoderBlock(): Uint8Array {
  const spec = decoderBlockSpec();
  const { sequence, queryHeads, kvHeads, headSize } = DECODER;
  const constants = spec.constants as Record<string, ConstantSpec>;
  const attentionNodes: NodeSpec[] = [
    ...rotated('q', queryHeads, 'q_rotated'),
    ...rotated('k', kvHeads, 'k_rotated'),
    node('Reshape', ['v', `heads_${kvHeads}`], 'v_heads'),
    node('Transpose', ['v_heads'], 'v_transposed', { perm: { ints: [0, 2, 1, 3] } }),
    ...repeated('k_rotated', 'k_repeated'),
    ...repeated('v_transposed', 'v_repeated'),
    node('Transpose', ['k_repeated'], 'k_t', { perm: { ints: [0, 1, 3, 2] } }),
    node('MatMul', ['q_rotated', 'k_t'], 'scores'),
    node('Mul', ['scores', 'scale'], 'scaled'),
    node('Add', ['scaled', 'causal'], 'masked'),
    node('Softmax', ['masked'], 'weights', { axis: { int: -1 } }),
    node('MatMul', ['weights', 'v_repeated'], 'per_head'),
    node('Transpose', ['per_head'], 'per_head_t', { perm: { ints: [0, 2, 1, 3] } }),
    node('Reshape', ['per_head_t', 'packed'], 'attended'),
  ];
  const dropped = new Set(['x_shape', 'batch_by_sequence', 'position_ids', 'q_rotated', 'k_rotated', 'attended']);
  const before = spec.nodes.filter((n) => !dropped.has(n.outputs[0] as string));
  const at = before.findIndex((n) => n.outputs[0] === 'projected');
  const written: ModelSpec = {
    ...spec,
    constants: {
      ...constants,
      cos_rows: fullRows(constants.cos as ConstantSpec),
      sin_rows: fullRows(constants.sin as ConstantSpec),
      [`heads_${queryHeads}`]: i64([0, 0, queryHeads, headSize]),
      [`heads_${kvHeads}`]: i64([0, 0, kvHeads, headSize]),
      half: i64([headSize / 2]),
      size: i64([headSize]),
      axis3: i64([3]),
      axis2: i64([2]),
      groups: i64([1, 1, queryHeads / kvHeads, 1, 1]),
      query_heads_shape: i64([0, queryHeads, sequence, headSize]),
      packed: i64([0, 0, queryHeads * headSize]),
      scale: { dims: [], values: [1 / Math.sqrt(headSize)] },
      causal: {
        dims: [sequence, sequence],
        values: Array.from({ length: sequence * sequence }, (_, k) => (k % sequence > Math.floor(k / sequence) ? FLOAT32_LOWEST : 0)),
      },
    },
    nodes: [...before.slice(0, at), ...attentionNodes, ...before.slice(at)],
  };
  return makeModel(written);
}
