import { InvalidModelError } from '../../../errors.js';
import { floatAttribute, intAttribute, intsAttribute } from '../../../graph/attributes.js';
import { contribMaskBias } from './attention-mask.js';
import { scaledAttention } from './scaled-attention.js';
import type { LoweringBuilder } from '../lowering-builder.js';
import { optionalInput } from '../node-inputs.js';
import { contribOp } from './contrib-op.js';

const BIAS = 2;
const MASK_INDEX = 3;
const PAST = 4;
const ATTENTION_BIAS = 5;
const PAST_SEQUENCE_LENGTH = 6;

/**
 * com.microsoft.Attention (onnxruntime's transformer optimizer, BERT and GPT-2 exports): the
 * input times the packed weights [in, Dq + Dk + Dv] (plus the packed bias) gives Q, K and V,
 * then softmax(Q·Kᵀ·scale + mask + attention_bias)·V per head. The mask (see contribMaskBias)
 * adds `mask_filter_value` where a key is masked; `unidirectional` hides the later keys.
 * `present` is K and V per head, stacked.
 */
export const contribAttention = contribOp({
  opType: 'Attention',
  // mask_index (3) and past_sequence_length (6) are integers; past (4) is refused.
  differentiable: [0, 1, 2, 5],
  refusal(node) {
    // onnxruntime 1.30's CPU kernel crashes without a bias, so this form cannot be checked against it.
    if (!optionalInput(node, BIAS)) return 'bias (input 2) absent: only Attention with a bias is lowered';
    if (optionalInput(node, PAST)) return 'past (input 4): the key/value cache is not lowered';
    if (optionalInput(node, PAST_SEQUENCE_LENGTH)) return 'past_sequence_length (input 6): the key/value cache is not lowered';
    if (intAttribute(node, 'past_present_share_buffer', 0) !== 0) return 'past_present_share_buffer 1: the shared key/value cache is not lowered';
    if (intAttribute(node, 'do_rotary', 0) !== 0) return 'do_rotary 1: rotary embedding inside Attention is not lowered';
    return undefined;
  },
  lower(b, node) {
    const [input, weights] = node.input as [string, string];
    const fail = (what: string): never => {
      throw new InvalidModelError(`com.microsoft.Attention node "${node.name}": ${what}`);
    };
    const [batch, length] = b.shape(input) as [number, number, number];
    const packed = b.shape(weights)[1] as number;
    const sizes = intsAttribute(node, 'qkv_hidden_sizes') ?? [packed / 3, packed / 3, packed / 3];
    const [queryHidden, keyHidden, valueHidden] = sizes as [number, number, number];
    if (sizes.length !== 3 || queryHidden + keyHidden + valueHidden !== packed || queryHidden !== keyHidden)
      fail(`qkv_hidden_sizes [${sizes.join(', ')}] must be three sizes, the first two equal, summing to the weights' ${packed} columns`);
    const heads = intAttribute(node, 'num_heads', 0);
    if (heads <= 0 || queryHidden % heads !== 0 || valueHidden % heads !== 0)
      fail(`num_heads ${heads} must divide the hidden sizes ${queryHidden} and ${valueHidden}`);
    const projected = b.matmul(input, weights);
    const [query, key, value] = b.splitWidths(b.plus(projected, node.input[BIAS] as string), 2, sizes) as [string, string, string];
    const maskBias = contribMaskBias(b, node, floatAttribute(node, 'mask_filter_value', -10000), {
      mask: optionalInput(node, MASK_INDEX),
      causal: intAttribute(node, 'unidirectional', 0) === 1,
      batch,
      queryLength: length,
      totalLength: length,
      // onnxruntime's CPU kernel refuses the 4-D (B, 1, M, M) mask: it stays refused here, unchecked.
      forms: ['lengths', 'left-padding', 'raw 2-D', 'raw 3-D'],
    });
    const { output, keys, values } = scaledAttention(b, node, { query, key, value, heads, biases: [maskBias, optionalInput(node, ATTENTION_BIAS)] });
    // present: K and V stacked, [2, B, N, S, H] (without a past, the new keys and values alone).
    const present = node.output[1] && keySizeMatches(b, keys, values) ? b.concatAxis([b.insertAxis(keys, 0), b.insertAxis(values, 0)], 0) : undefined;
    return [output, present];
  },
});

/** K and V stack into `present` only when their heads have one size (no v_hidden_size of its own). */
function keySizeMatches(b: LoweringBuilder, keys: string, values: string): boolean {
  return b.shape(keys)[3] === b.shape(values)[3];
}
