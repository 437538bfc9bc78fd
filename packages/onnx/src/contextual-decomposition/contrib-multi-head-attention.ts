import type { GraphBuilder } from '../graph/builder.js';
import { floatAttribute, intAttribute } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import type { onnx } from '../proto/generated/onnx.js';
import { multiHeadAttention as multiHeadAttentionLowering } from '../model/composite/contrib/multi-head-attention.js';
import { optionalInput } from '../model/composite/node-inputs.js';
import { shapeSource } from './attention-layout.js';
import { scaledAttentionPairs } from './contrib-attention.js';
import { contribMaskBias, dimsKnown } from './contrib-attention-mask.js';
import { StandardSteps } from './standard-steps.js';
import { isPair, type Carried, type DeclaredDims, type PairRule } from './pair.js';

const BIAS = 3;
const KEY_PADDING_MASK = 4;
const ATTENTION_BIAS = 5;

function refusal(node: onnx.INodeProto, inputs: readonly Carried[], opset: number): string | undefined {
  const lowered = multiHeadAttentionLowering.refusal(node, opset);
  if (lowered) return lowered;
  if (isPair(inputs[ATTENTION_BIAS])) return 'its attention_bias (input 5) depends on the model input; it is decomposed as a constant';
  if (node.output?.[1] || node.output?.[2]) return 'its present_key or present_value output is named; only the attended values are decomposed';
  if (isPair(inputs[BIAS])) return 'its bias (input 3) depends on the model input';
  return undefined;
}

/** The 3-D dims of query, key and value; another rank, or one not known, is refused (a 4-D BNSH key is not decomposed). */
function dimsOf3d(node: onnx.INodeProto, builder: GraphBuilder, declared: DeclaredDims): (number | undefined)[][] {
  return (node.input ?? []).slice(0, 3).map((name) => {
    const dims = dimsKnown(builder, declared, name);
    if (!dims) throw new UnsupportedForm(`the rank of "${name}" is not known; 3-D query, key and value are decomposed`);
    if (dims.length !== 3) throw new UnsupportedForm(`"${name}" is ${dims.length}-D; 3-D query, key and value are decomposed`);
    return [...dims];
  });
}

/**
 * com.microsoft.MultiHeadAttention with separate 3-D query, key and value, decomposed as its
 * lowering's standard ops are: each slice of the packed bias added by the Add rule (split in
 * proportion; a plain Add where that input is constant), then scaledAttentionPairs with the key
 * padding mask as the lowering's additive constant (no mask, key lengths (B), raw (B, T)), and
 * attention_bias added to it.
 */
export const multiHeadAttention: PairRule = (node, inputs, builder, declared) => {
  const reason = refusal(node, inputs, builder.opset);
  if (reason) throw new UnsupportedForm(reason);
  const [queryDims, keyDims, valueDims] = dimsOf3d(node, builder, declared) as [(number | undefined)[], (number | undefined)[], (number | undefined)[]];
  const [hidden, valueHidden] = [queryDims[2], valueDims[2]];
  if (hidden === undefined || valueHidden === undefined) throw new UnsupportedForm('the hidden sizes of query and value are not known');
  const heads = intAttribute(node, 'num_heads', 0);
  if (heads <= 0 || hidden % heads !== 0 || valueHidden % heads !== 0)
    throw new UnsupportedForm(`num_heads ${heads} must divide the hidden sizes ${hidden} and ${valueHidden}`);
  const causal = intAttribute(node, 'unidirectional', 0) === 1;
  if (causal && (queryDims[1] === undefined || queryDims[1] !== keyDims[1]))
    throw new UnsupportedForm(
      `unidirectional 1 with ${keyDims[1] ?? 'an unstated number of'} keys for ${queryDims[1] ?? 'an unstated number of'} queries: only self attention of stated length is decomposed`,
    );
  const mask = optionalInput(node, KEY_PADDING_MASK);
  const maskDims = mask ? dimsKnown(builder, declared, mask) : undefined;
  // A 1-D mask of another length than the batch (left padding, 2·B) fails at run time where the batch is not stated.
  if (maskDims?.length === 1 && maskDims[0] !== undefined && keyDims[0] !== undefined && maskDims[0] !== keyDims[0])
    throw new UnsupportedForm(`its key_padding_mask "${mask ?? ''}" has ${maskDims[0]} entries for a batch of ${keyDims[0]}; key lengths (B) are decomposed`);
  const steps = new StandardSteps(node, builder, declared);
  const bias = optionalInput(node, BIAS);
  const [starts, widths] = [
    [0, hidden, 2 * hidden],
    [hidden, hidden, valueHidden],
  ];
  const biased = (index: 0 | 1 | 2): Carried => {
    const carried = inputs[index] as Carried;
    if (!bias) return carried;
    const start = starts[index] as number;
    const slice = builder.op('Slice', [
      bias,
      builder.int64Constant([start]),
      builder.int64Constant([start + (widths[index] as number)]),
      builder.int64Constant([0]),
    ]);
    const name = node.input?.[index] as string;
    return isPair(carried) ? steps.apply('Add', [carried, slice], [name, slice]) : builder.add(carried, slice);
  };
  const qkv = { query: biased(0), key: biased(1), value: biased(2) };
  const maskBias = contribMaskBias(builder, declared, {
    mask,
    keys: shapeSource(qkv.key),
    filterValue: floatAttribute(node, 'mask_filter_value', -10000),
    causal,
    attentionForms: false,
  });
  // attention_bias [B or 1, N or 1, S, T] is added to the scores with the mask, inside the Softmax rule.
  const attentionBias = optionalInput(node, ATTENTION_BIAS);
  const scoreBias = maskBias && attentionBias ? builder.add(maskBias, attentionBias) : (maskBias ?? attentionBias);
  return [scaledAttentionPairs(builder, node, qkv, heads, hidden / heads, scoreBias)];
};
