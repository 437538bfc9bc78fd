import type { ConstantSpec } from '../helpers/model.js';
import { float, int, ints, type OpCase } from './case.js';
import { contrib, int32, withCheck } from './contrib-case.js';

const packed = { x: [2, 3, 4], w: [4, 12], bias: [12] };
const twoHeads = { num_heads: int(2) };
// A filter value of −3 leaves masked keys a visible weight, so the value and where it applies show in the gradient.
const softFilter = { ...twoHeads, mask_filter_value: float(-3) };

const attentionCases: OpCase[] = [
  contrib('com.microsoft.Attention 2 heads, bias, batch 2', 13, 'Attention', packed, ['x', 'w', 'bias'], twoHeads),
  contrib('com.microsoft.Attention qkv_hidden_sizes [4, 4, 6], scale 0.5', 18, 'Attention', { x: [2, 3, 4], w: [4, 14], bias: [14] }, ['x', 'w', 'bias'], {
    ...twoHeads,
    qkv_hidden_sizes: ints([4, 4, 6]),
    scale: float(0.5),
  }),
  contrib('com.microsoft.Attention unidirectional', 17, 'Attention', packed, ['x', 'w', 'bias'], { ...twoHeads, unidirectional: int(1) }),
  contrib('com.microsoft.Attention unidirectional, filter -3 (not used by causality)', 17, 'Attention', packed, ['x', 'w', 'bias'], {
    ...softFilter,
    unidirectional: int(1),
  }),
  contrib(
    'com.microsoft.Attention raw mask [B, T], filter -3, unidirectional',
    13,
    'Attention',
    packed,
    ['x', 'w', 'bias', 'mask'],
    {
      ...softFilter,
      unidirectional: int(1),
    },
    { mask: int32([2, 3], [0, 1, 1, 1, 0, 1]) },
  ),
  contrib('com.microsoft.Attention raw mask [B, S, T] with values 2 and -1, filter -3', 18, 'Attention', packed, ['x', 'w', 'bias', 'mask'], softFilter, {
    mask: int32([2, 3, 3], [1, 0, 1, 1, 2, 0, 0, 1, 1, 1, 1, 1, -1, 0, 1, 1, 0, 1]),
  }),
  contrib(
    'com.microsoft.Attention right padding lengths [B], filter -3',
    18,
    'Attention',
    { x: [2, 4, 4], w: [4, 12], bias: [12] },
    ['x', 'w', 'bias', 'mask'],
    softFilter,
    { mask: int32([2], [3, 2]) },
  ),
  contrib(
    'com.microsoft.Attention left padding [2B] (ends, starts), filter -3',
    13,
    'Attention',
    { x: [2, 4, 4], w: [4, 12], bias: [12] },
    ['x', 'w', 'bias', 'mask'],
    softFilter,
    { mask: int32([4], [4, 3, 1, 0]) },
  ),
  contrib(
    'com.microsoft.Attention right padding, default filter value',
    13,
    'Attention',
    { x: [2, 4, 4], w: [4, 12], bias: [12] },
    ['x', 'w', 'bias', 'mask'],
    twoHeads,
    { mask: int32([2], [4, 2]) },
  ),
  contrib(
    'com.microsoft.Attention attention_bias [1, heads, S, T] with a raw mask',
    18,
    'Attention',
    { ...packed, attention_bias: [1, 2, 3, 3] },
    ['x', 'w', 'bias', 'mask', '', 'attention_bias'],
    softFilter,
    {
      mask: int32([2, 3], [1, 1, 0, 1, 1, 1]),
    },
  ),
  contrib('com.microsoft.Attention present (K and V stacked)', 13, 'Attention', packed, ['x', 'w', 'bias'], twoHeads, {}, 1),
];

const mhaInputs = { q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 6] };

const multiHeadCases: OpCase[] = [
  contrib('com.microsoft.MultiHeadAttention cross attention, 2 heads, value hidden 6', 13, 'MultiHeadAttention', mhaInputs, ['q', 'k', 'v'], twoHeads),
  contrib('com.microsoft.MultiHeadAttention packed bias, scale 0.3', 18, 'MultiHeadAttention', { ...mhaInputs, bias: [14] }, ['q', 'k', 'v', 'bias'], {
    ...twoHeads,
    scale: float(0.3),
  }),
  contrib('com.microsoft.MultiHeadAttention key_padding_mask [B, T], filter -3', 13, 'MultiHeadAttention', mhaInputs, ['q', 'k', 'v', '', 'mask'], softFilter, {
    mask: int32([2, 5], [1, 1, 0, 1, 0, 0, 1, 1, 1, 1]),
  }),
  contrib(
    'com.microsoft.MultiHeadAttention key_padding_mask lengths [B], filter -3',
    18,
    'MultiHeadAttention',
    mhaInputs,
    ['q', 'k', 'v', '', 'mask'],
    softFilter,
    { mask: int32([2], [3, 5]) },
  ),
  contrib(
    'com.microsoft.MultiHeadAttention key_padding_mask [B, S, T], filter -3',
    18,
    'MultiHeadAttention',
    mhaInputs,
    ['q', 'k', 'v', '', 'mask'],
    softFilter,
    {
      mask: int32([2, 3, 5], [1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0]),
    },
  ),
  contrib(
    'com.microsoft.MultiHeadAttention attention_bias [B, heads, S, T]',
    17,
    'MultiHeadAttention',
    { ...mhaInputs, bias: [14], attention_bias: [2, 2, 3, 5] },
    ['q', 'k', 'v', 'bias', '', 'attention_bias'],
    twoHeads,
  ),
  contrib(
    'com.microsoft.MultiHeadAttention unidirectional self attention',
    13,
    'MultiHeadAttention',
    { q: [2, 4, 4], k: [2, 4, 4], v: [2, 4, 4] },
    ['q', 'k', 'v'],
    {
      ...twoHeads,
      unidirectional: int(1),
    },
  ),
  withCheck(
    ['v', 'bias'],
    contrib('com.microsoft.MultiHeadAttention present_value', 18, 'MultiHeadAttention', { ...mhaInputs, bias: [14] }, ['q', 'k', 'v', 'bias'], twoHeads, {}, 2),
  ),
];

// onnxruntime's CPU kernel wants heads of a multiple of 8 features.
const gqa = { q: [2, 3, 32], k: [2, 3, 16], v: [2, 3, 16] };
const gqaHeads = { num_heads: int(4), kv_num_heads: int(2) };
const gqaInputs = ['q', 'k', 'v', '', '', 'seqlens_k', 'total_length'];
const lengths = (values: number[]): Record<string, ConstantSpec> => ({ seqlens_k: int32([2], values), total_length: int32([], [3]) });
const groupQueryCases: OpCase[] = [
  contrib('com.microsoft.GroupQueryAttention 4 query heads, 2 kv heads', 13, 'GroupQueryAttention', gqa, gqaInputs, gqaHeads, lengths([2, 2]), 0, 3),
  contrib(
    'com.microsoft.GroupQueryAttention right padding (seqlens_k 2, 1), scale 0.5',
    18,
    'GroupQueryAttention',
    gqa,
    gqaInputs,
    { ...gqaHeads, scale: float(0.5) },
    lengths([2, 1]),
    0,
    3,
  ),
  contrib(
    'com.microsoft.GroupQueryAttention attention_bias [1, heads, S, T]',
    17,
    'GroupQueryAttention',
    { ...gqa, attention_bias: [1, 4, 3, 3] },
    [...gqaInputs, '', '', '', 'attention_bias'],
    gqaHeads,
    lengths([2, 2]),
    0,
    3,
  ),
  withCheck(['k'], contrib('com.microsoft.GroupQueryAttention present_key', 13, 'GroupQueryAttention', gqa, gqaInputs, gqaHeads, lengths([2, 2]), 1, 3)),

  contrib(
    'com.microsoft.GroupQueryAttention do_rotary (halves), heads of 16',
    13,
    'GroupQueryAttention',
    { q: [2, 3, 64], k: [2, 3, 32], v: [2, 3, 32], cos: [5, 8], sin: [5, 8] },
    [...gqaInputs, 'cos', 'sin'],
    { ...gqaHeads, do_rotary: int(1) },
    lengths([2, 2]),
    0,
    3,
  ),
  contrib(
    'com.microsoft.GroupQueryAttention do_rotary interleaved, right padding',
    18,
    'GroupQueryAttention',
    { q: [2, 3, 64], k: [2, 3, 32], v: [2, 3, 32], cos: [5, 8], sin: [5, 8] },
    [...gqaInputs, 'cos', 'sin'],
    { ...gqaHeads, do_rotary: int(1), rotary_interleaved: int(1) },
    lengths([2, 1]),
    0,
    3,
  ),
  withCheck(
    ['k'],
    contrib(
      'com.microsoft.GroupQueryAttention present_key rotated by do_rotary',
      13,
      'GroupQueryAttention',
      { q: [2, 3, 64], k: [2, 3, 32], v: [2, 3, 32], cos: [5, 8], sin: [5, 8] },
      [...gqaInputs, 'cos', 'sin'],
      { ...gqaHeads, do_rotary: int(1) },
      lengths([2, 2]),
      1,
      3,
    ),
  ),
  contrib(
    'com.microsoft.GroupQueryAttention do_rotary of 16 of 32 features',
    13,
    'GroupQueryAttention',
    { q: [1, 3, 128], k: [1, 3, 64], v: [1, 3, 64], cos: [5, 8], sin: [5, 8] },
    [...gqaInputs, 'cos', 'sin'],
    { ...gqaHeads, do_rotary: int(1) },
    { seqlens_k: int32([1], [2]), total_length: int32([], [3]) },
    0,
    3,
  ),
];

/** onnxruntime's contrib attention ops (BERT, GPT-2, LLaMA exports), lowered into standard ops. */
export const contribAttentionCases: OpCase[] = [
  ...attentionCases,
  ...multiHeadCases,
  ...groupQueryCases,
  // Opset 11: Split sizes and Unsqueeze axes as attributes.
  contrib(
    'com.microsoft.Attention at opset 11, left padding',
    11,
    'Attention',
    { x: [2, 4, 4], w: [4, 12], bias: [12] },
    ['x', 'w', 'bias', 'mask'],
    softFilter,
    {
      mask: int32([4], [3, 4, 0, 1]),
    },
  ),
  contrib(
    'com.microsoft.MultiHeadAttention at opset 11, packed bias',
    11,
    'MultiHeadAttention',
    { ...mhaInputs, bias: [14] },
    ['q', 'k', 'v', 'bias'],
    twoHeads,
  ),
  contrib('com.microsoft.GroupQueryAttention at opset 11', 11, 'GroupQueryAttention', gqa, gqaInputs, gqaHeads, lengths([2, 1]), 0, 3),
];
