import type { GraphBuilder } from '../graph/builder.js';
import { floatAttribute, hasAttribute, intAttribute, intsAttribute } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import type { onnx } from '../proto/generated/onnx.js';
import { contribAttention as contribAttentionLowering } from '../model/composite/contrib/attention.js';
import { optionalInput } from '../model/composite/node-inputs.js';
import { attentionWeights, matMul } from './attention-op.js';
import { fromHeads, partwise, shapeSource, toHeads } from './attention-layout.js';
import { contribMaskBias, dimsKnown } from './contrib-attention-mask.js';
import { StandardSteps } from './standard-steps.js';
import { isPair, type Carried, type DeclaredDims, type Pair, type PairRule } from './pair.js';

const BIAS = 2;
const MASK_INDEX = 3;
const ATTENTION_BIAS = 5;

/** Q [B, S, N·Hq], K [B, T, N·Hq] and V [B, T, N·Hv] of a contrib attention node, each a pair or a constant. */
export interface ContribQkv {
  readonly query: Carried;
  readonly key: Carried;
  readonly value: Carried;
}

/**
 * softmax(Q·Kᵀ·scale + bias)·V per head, each step by the rule of the standard op the lowering
 * (scaledAttention) writes: Reshape and Transpose move each part, Q·Kᵀ and weights·V by the MatMul
 * rule (the CD product rule), the scale as a Mul by a constant, the constant bias kept inside the
 * Softmax rule's split. Returns the output [B, S, N·Hv].
 */
export function scaledAttentionPairs(
  builder: GraphBuilder,
  node: onnx.INodeProto,
  qkv: ContribQkv,
  heads: number,
  headSize: number,
  bias: string | undefined,
): Carried {
  const perHead = (x: Carried): Carried => partwise(x, (part) => toHeads(builder, part, heads), true);
  const keys = partwise(perHead(qkv.key), (part) => builder.transpose(part, [0, 1, 3, 2]), true);
  const scale = builder.floatConstant([hasAttribute(node, 'scale') ? floatAttribute(node, 'scale', 1) : 1 / Math.sqrt(headSize)]);
  const scores = partwise(matMul(builder, perHead(qkv.query), keys), (part) => builder.mul(part, scale));
  const weights = attentionWeights(builder, scores, bias, false);
  return partwise(matMul(builder, weights, perHead(qkv.value)), (part) => fromHeads(builder, part), true);
}

/** The last axis of each part, from `start` for `width` elements. */
const sliceLast = (builder: GraphBuilder, x: Pair, start: number, width: number): Pair =>
  partwise(x, (part) =>
    builder.op('Slice', [part, builder.int64Constant([start]), builder.int64Constant([start + width]), builder.int64Constant([-1])]),
  ) as Pair;

function refusal(node: onnx.INodeProto, inputs: readonly Carried[], opset: number): string | undefined {
  const lowered = contribAttentionLowering.refusal(node, opset);
  if (lowered) return lowered;
  if (isPair(inputs[ATTENTION_BIAS])) return 'its attention_bias (input 5) depends on the model input; it is decomposed as a constant';
  if (node.output?.[1]) return 'its present output (output 1) is named; only the attended values are decomposed';
  if (!isPair(inputs[0]) || inputs.slice(1, 3).some(isPair)) return 'only its input (input 0) may depend on the model input, not the weights or the bias';
  return undefined;
}

/** [Dq, Dk, Dv] from qkv_hidden_sizes or the weights' columns in three, checked as the lowering checks them. */
function hiddenSizes(node: onnx.INodeProto, builder: GraphBuilder, declared: DeclaredDims): [number, number, number] {
  const weights = node.input?.[1] as string;
  const packed = dimsKnown(builder, declared, weights)?.[1];
  if (packed === undefined) throw new UnsupportedForm(`the shape of its weights "${weights}" is not known`);
  const sizes = intsAttribute(node, 'qkv_hidden_sizes') ?? [packed / 3, packed / 3, packed / 3];
  const [q, k, v] = sizes as [number, number, number];
  if (sizes.length !== 3 || q + k + v !== packed || q !== k)
    throw new UnsupportedForm(`qkv_hidden_sizes [${sizes.join(', ')}] must be three sizes, the first two equal, summing to the weights' ${packed} columns`);
  return [q, k, v];
}

/**
 * com.microsoft.Attention decomposed as its lowering's standard ops are: input·W by the MatMul
 * rule, the packed bias by the Add rule (split in proportion), Q, K and V sliced from each part
 * per qkv_hidden_sizes, then scaledAttentionPairs with the mask as the same additive constant the
 * lowering applies (contribMaskBias), and attention_bias added to it.
 */
export const contribAttention: PairRule = (node, inputs, builder, declared) => {
  const reason = refusal(node, inputs, builder.opset);
  if (reason) throw new UnsupportedForm(reason);
  const [x, weights, bias] = node.input as [string, string, string];
  const sizes = hiddenSizes(node, builder, declared);
  const heads = intAttribute(node, 'num_heads', 0);
  if (heads <= 0 || sizes[0] % heads !== 0 || sizes[2] % heads !== 0)
    throw new UnsupportedForm(`num_heads ${heads} must divide the hidden sizes ${sizes[0]} and ${sizes[2]}`);
  const steps = new StandardSteps(node, builder, declared);
  const projected = steps.apply('MatMul', [inputs[0] as Pair, weights], [x, weights]);
  const packed = steps.apply('Add', [projected, inputs[BIAS] as string], [x, bias]);
  const qkv = {
    query: sliceLast(builder, packed, 0, sizes[0]),
    key: sliceLast(builder, packed, sizes[0], sizes[1]),
    value: sliceLast(builder, packed, sizes[0] + sizes[1], sizes[2]),
  };
  const maskBias = contribMaskBias(builder, declared, {
    mask: optionalInput(node, MASK_INDEX),
    keys: shapeSource(inputs[0] as Pair),
    filterValue: floatAttribute(node, 'mask_filter_value', -10000),
    causal: intAttribute(node, 'unidirectional', 0) === 1,
    attentionForms: true,
  });
  // attention_bias [B or 1, N or 1, S, T] is added to the scores with the mask, inside the Softmax rule.
  const attentionBias = optionalInput(node, ATTENTION_BIAS);
  const scoreBias = maskBias && attentionBias ? builder.add(maskBias, attentionBias) : (maskBias ?? attentionBias);
  return [scaledAttentionPairs(builder, node, qkv, heads, sizes[0] / heads, scoreBias)];
};
