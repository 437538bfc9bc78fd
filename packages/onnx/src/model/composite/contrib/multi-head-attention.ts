import { InvalidModelError } from '../../../errors.js';
import { floatAttribute, intAttribute } from '../../../graph/attributes.js';
import { contribMaskBias } from './attention-mask.js';
import { scaledAttention } from './scaled-attention.js';
import { optionalInput, unloweredForm } from '../node-inputs.js';
import { contribOp } from './contrib-op.js';

const BIAS = 3;
const KEY_PADDING_MASK = 4;
const ATTENTION_BIAS = 5;
const CACHE_INPUTS = ['past_key', 'past_value', 'past_sequence_length', 'cache_indirection'];

/**
 * com.microsoft.MultiHeadAttention with separate 3-D query [B, S, D], key [B, T, D] and value
 * [B, T, Dv]: the packed bias [D + D + Dv] is added to each, then softmax(Q·Kᵀ·scale +
 * key_padding_mask + attention_bias)·V per head (the mask as for com.microsoft.Attention);
 * present_key and present_value are K and V per head.
 */
export const multiHeadAttention = contribOp({
  opType: 'MultiHeadAttention',
  // key_padding_mask (4) is an integer tensor; the cache inputs (6–9) are refused.
  differentiable: [0, 1, 2, 3, 5],
  refusal(node) {
    if (!optionalInput(node, 1) || !optionalInput(node, 2)) return 'key and value must be given (packed QKV or KV in query or key is not lowered)';
    for (const [offset, name] of CACHE_INPUTS.entries())
      if (optionalInput(node, 6 + offset)) return `${name} (input ${6 + offset}): the key/value cache is not lowered`;
    if (node.output?.[3]) return 'qk (output 3) is not lowered';
    return undefined;
  },
  lower(b, node) {
    const [query, key, value] = node.input as [string, string, string];
    const fail = (what: string): never => {
      throw new InvalidModelError(`com.microsoft.MultiHeadAttention node "${node.name}": ${what}`);
    };
    for (const name of [query, key, value])
      if (b.rank(name) !== 3) throw unloweredForm(b, node, `"${name}" has shape [${b.shape(name).join(', ')}]; only 3-D query, key and value are lowered`);
    const [batch, queryLength, hidden] = b.shape(query) as [number, number, number];
    const [, keyLength] = b.shape(key) as [number, number, number];
    const valueHidden = b.shape(value)[2] as number;
    const heads = intAttribute(node, 'num_heads', 0);
    if (heads <= 0 || hidden % heads !== 0 || valueHidden % heads !== 0) fail(`num_heads ${heads} must divide the hidden sizes ${hidden} and ${valueHidden}`);
    const causal = intAttribute(node, 'unidirectional', 0) === 1;
    // onnxruntime's kernel masks cross attention in a way neither j ≤ i nor j ≤ i + T − S matches: not lowered.
    if (causal && keyLength !== queryLength)
      throw unloweredForm(
        b,
        node,
        `unidirectional 1 with ${keyLength} keys for ${queryLength} queries: only self attention (as many keys as queries) is lowered`,
      );
    const bias = optionalInput(node, BIAS);
    let [q, k, v] = [query, key, value];
    if (bias) {
      const [qBias, kBias, vBias] = b.splitWidths(bias, 0, [hidden, hidden, valueHidden]) as [string, string, string];
      [q, k, v] = [b.plus(query, qBias), b.plus(key, kBias), b.plus(value, vBias)];
    }
    const maskBias = contribMaskBias(b, node, floatAttribute(node, 'mask_filter_value', -10000), {
      mask: optionalInput(node, KEY_PADDING_MASK),
      causal,
      batch,
      queryLength,
      totalLength: keyLength,
      forms: ['lengths', 'raw 2-D', 'raw 3-D'],
    });
    const attended = scaledAttention(b, node, { query: q, key: k, value: v, heads, biases: [maskBias, optionalInput(node, ATTENTION_BIAS)] });
    // present_key and present_value: K and V (with their bias) per head, BNSH.
    return [attended.output, attended.keys, attended.values];
  },
});
