import { floatAttribute, hasAttribute, intAttribute } from '../../../graph/attributes.js';
import { DataType } from '../../../proto/tensor.js';
import { fromHeads, repeatHeads, toHeads } from '../attention.js';
import { LOWEST } from './attention-mask.js';
import type { LoweringBuilder } from '../lowering-builder.js';
import type { onnx } from '../../../proto/generated/onnx.js';
import { optionalInput, unloweredForm } from '../node-inputs.js';
import { rotateHeads } from '../rotary-embedding.js';
import { contribOp } from './contrib-op.js';

const SEQLENS_K = 5;
const [COS_CACHE, SIN_CACHE] = [7, 8];
const ATTENTION_BIAS = 10;
const REFUSED_INPUTS: readonly [number, string][] = [
  [3, 'past_key'],
  [4, 'past_value'],
  [9, 'position_ids'],
  [11, 'head_sink'],
  [12, 'k_scale'],
  [13, 'v_scale'],
];

/**
 * com.microsoft.GroupQueryAttention on a prompt without a cache: separate 3-D query [B, S, N·H],
 * key and value [B, S, Nkv·H], causal, each key/value head serving N / Nkv query heads; query i
 * of batch b sees key j iff j ≤ i and j ≤ seqlens_k[b] (the batch's length − 1). present_key and
 * present_value are K and V in BNSH. With `do_rotary`, Q and K are first rotated as
 * RotaryEmbedding does at positions 0…S−1 (the prompt's), by the caches' first S rows.
 */
export const groupQueryAttention = contribOp({
  opType: 'GroupQueryAttention',
  // seqlens_k (5) and total_sequence_length (6) are integers; the cache and rotary inputs are refused.
  differentiable: [0, 1, 2, 10],
  refusal(node) {
    if (!optionalInput(node, 1) || !optionalInput(node, 2)) return 'key and value must be given (packed QKV in query is not lowered)';
    for (const [index, name] of REFUSED_INPUTS) if (optionalInput(node, index)) return `${name} (input ${index}) is not lowered`;
    if (node.output?.[3]) return 'output_qk (output 3) is not lowered';
    if (intAttribute(node, 'qk_output', 0) !== 0) return `qk_output ${intAttribute(node, 'qk_output', 0)} is not lowered`;
    const rotary = intAttribute(node, 'do_rotary', 0) === 1;
    if (rotary !== Boolean(optionalInput(node, COS_CACHE) && optionalInput(node, SIN_CACHE)))
      return 'do_rotary 1 goes with cos_cache and sin_cache (inputs 7 and 8), and only it';
    if (intAttribute(node, 'local_window_size', -1) !== -1)
      return `local_window_size ${intAttribute(node, 'local_window_size', -1)} (sliding-window attention) is not lowered`;
    if (intAttribute(node, 'smooth_softmax', -1) > 0) return 'smooth_softmax 1 is not lowered';
    if (floatAttribute(node, 'softcap', 0) !== 0) return `softcap ${floatAttribute(node, 'softcap', 0)} is not lowered`;
    return undefined;
  },
  lower(b, node) {
    const [query, key, value] = node.input as [string, string, string];
    const heads = intAttribute(node, 'num_heads', 0);
    const kvHeads = intAttribute(node, 'kv_num_heads', 0);
    for (const name of [query, key, value])
      if (b.rank(name) !== 3) throw unloweredForm(b, node, `"${name}" has shape [${b.shape(name).join(', ')}]; only 3-D query, key and value are lowered`);
    const [batch, length, hidden] = b.shape(query) as [number, number, number];
    const kvHidden = b.shape(key)[2] as number;
    if (heads <= 0 || kvHeads <= 0 || heads % kvHeads !== 0 || hidden % heads !== 0 || kvHidden !== (hidden / heads) * kvHeads)
      throw unloweredForm(
        b,
        node,
        `num_heads ${heads} and kv_num_heads ${kvHeads} do not fit query "${query}" [${b.shape(query).join(', ')}] and key "${key}" [${b.shape(key).join(', ')}]`,
      );
    if (b.shape(key)[1] !== length)
      throw unloweredForm(b, node, `key "${key}" has ${b.shape(key)[1]} positions, the query ${length}: only a prompt without a cache is lowered`);
    const rotated = (x: string): string => (intAttribute(node, 'do_rotary', 0) === 1 ? rotatePrompt(b, node, x, length) : x);
    const [k, v] = [rotated(toHeads(b, key, kvHeads)), toHeads(b, value, kvHeads)];
    const q = rotated(toHeads(b, query, heads));
    const headSize = hidden / heads;
    const scale = hasAttribute(node, 'scale') ? floatAttribute(node, 'scale', 1) : 1 / Math.sqrt(headSize);
    const keys = b.transpose(repeatHeads(b, k, heads), [0, 1, 3, 2]);
    const product = b.shaped('MatMul', [q, keys], [batch, heads, length, length]);
    const scores = b.plus(b.times(product, b.floatConstant([scale])), visibleKeysBias(b, node.input[SEQLENS_K] as string, batch, length));
    const bias = optionalInput(node, ATTENTION_BIAS);
    const logits = bias ? b.plus(scores, bias) : scores;
    const weights = b.shaped('Softmax', [logits], b.shape(logits), { axis: { int: 3 } });
    const output = b.shaped('MatMul', [weights, repeatHeads(b, v, heads)], [batch, heads, length, headSize]);
    return [fromHeads(b, output), k, v];
  },
});

/** 0 where query i of batch b sees key j (j ≤ i and j ≤ seqlens_k[b]), float32's lowest elsewhere: [B, 1, S, S]. */
function visibleKeysBias(b: LoweringBuilder, seqlens: string, batch: number, length: number): string {
  const range = (dims: number[]): string =>
    b.int64Constant(
      Array.from({ length }, (_, i) => i),
      dims,
    );
  const [rows, columns] = [range([1, 1, length, 1]), range([1, 1, 1, length])];
  const shape = [batch, 1, length, length];
  const lastKey = b.reshape(b.shaped('Cast', [seqlens], b.shape(seqlens), { to: { int: DataType.INT64 } }), [batch, 1, 1, 1]);
  const hidden = b.shaped(
    'Or',
    [b.shaped('Greater', [columns, rows], [1, 1, length, length]), b.shaped('Greater', [columns, lastKey], [batch, 1, 1, length])],
    shape,
  );
  return b.shaped('Where', [hidden, b.floatConstant([LOWEST]), b.floatConstant([0])], shape);
}

/** x [B, heads, S, H] rotated at positions 0…S−1: its first 2·(cache width) features, halves or interleaved. */
function rotatePrompt(b: LoweringBuilder, node: onnx.INodeProto, x: string, length: number): string {
  const rows = (index: number): string => {
    const cache = node.input?.[index] as string;
    const [positions] = b.shape(cache) as [number, number];
    if (b.rank(cache) !== 2 || positions < length)
      throw unloweredForm(b, node, `cache "${cache}" of shape [${b.shape(cache).join(', ')}] must be 2-D with at least ${length} rows, one per position`);
    const slice = b.sliceAxis(cache, 0, 0, length);
    return b.insertAxis(b.insertAxis(slice, 0), 0);
  };
  const width = b.shape(node.input?.[COS_CACHE] as string)[1] as number;
  if (2 * width > (b.shape(x)[3] as number)) throw unloweredForm(b, node, `the caches' width ${width} is over half the head size ${b.shape(x)[3]}`);
  return rotateHeads(b, x, 2 * width, intAttribute(node, 'rotary_interleaved', 0) === 1, rows(COS_CACHE), rows(SIN_CACHE));
}
