import { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { floatAttribute, hasAttribute, intAttribute, toAttributeProto } from '../graph/attributes.js';
import { DataType } from '../proto/tensor.js';
import { smoothSplit } from './activations.js';
import { contraction, softmax } from './attention.js';
import { chainMask, isPair, type Carried, type DeclaredDims, type Pair, type PairRule } from './pair.js';
import { causalBias, defaultScale, dimsOf, fromHeads, guardMaskedRows, partwise, repeatHeads, selectBias, shapeSource, toHeads } from './attention-layout.js';

const MASK = 3;
const PAST_KEY = 4;
const PAST_VALUE = 5;
const NONPAD_KV_SEQLEN = 6;
const FLOAT_MASKS = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16]);

/** A node of the written-out form, for the rules that clone their node (MatMul, Tanh, Softmax). */
const standardNode = (opType: string, attributes: onnx.IAttributeProto[] = [], input: string[] = []): onnx.INodeProto =>
  onnx.NodeProto.create({ opType, input, output: [], attribute: attributes });

function refusal(node: onnx.INodeProto, inputs: readonly Carried[]): string | undefined {
  const given = (index: number): boolean => Boolean(node.input?.[index]);
  if (isPair(inputs[MASK]))
    return `its attn_mask "${node.input?.[MASK] ?? ''}" depends on the model input; a mask is kept inside the softmax only when it is constant`;
  if (given(PAST_KEY) !== given(PAST_VALUE)) return 'past_key and past_value must be given together';
  if (given(NONPAD_KV_SEQLEN)) return 'nonpad_kv_seqlen (an external key/value cache) is not decomposed';
  if (node.output?.[3]) return 'its qk_matmul_output output is used';
  for (const name of ['left_window_size', 'right_window_size'])
    if (intAttribute(node, name, -1) !== -1) return `${name} ${intAttribute(node, name, -1)} (sliding-window attention)`;
  return undefined;
}

/** Whether Q, K and V are 3-D [B, S, heads·size]: from the known or declared rank, else from q_num_heads (which only 3-D inputs take). */
function isPacked(node: onnx.INodeProto, builder: GraphBuilder, declared: DeclaredDims): boolean {
  const q = node.input?.[0] as string;
  if (builder.hasShape(q)) return builder.rank(q) === 3;
  const dims = declared(q);
  if (dims) return dims.length === 3;
  return intAttribute(node, 'q_num_heads', 0) > 0;
}

/** The number of query heads per key/value head: from the attributes (3-D), known shapes, or read at run time (4-D). */
function groupsOf(node: onnx.INodeProto, builder: GraphBuilder, packed: boolean, q: string, k: string): number | string {
  if (packed) return intAttribute(node, 'q_num_heads', 0) / intAttribute(node, 'kv_num_heads', 0);
  if (builder.hasShape(q) && builder.hasShape(k)) {
    const [queryHeads, kvHeads] = [builder.shape(q)[1] as number, builder.shape(k)[1] as number];
    if (queryHeads % kvHeads !== 0) throw new UnsupportedForm(`${queryHeads} query heads are not a multiple of ${kvHeads} key/value heads`);
    return queryHeads / kvHeads;
  }
  return builder.div(dimsOf(builder, q, 1, 2), dimsOf(builder, k, 1, 2));
}

function checkHeads(node: onnx.INodeProto): void {
  const queryHeads = intAttribute(node, 'q_num_heads', 0);
  const kvHeads = intAttribute(node, 'kv_num_heads', 0);
  if (queryHeads <= 0 || kvHeads <= 0) throw new UnsupportedForm('3-D Q, K and V need q_num_heads and kv_num_heads');
  if (queryHeads % kvHeads !== 0) throw new UnsupportedForm(`${queryHeads} query heads are not a multiple of ${kvHeads} key/value heads`);
}

/** The additive bias of attn_mask (a boolean mask's false is −∞, a float mask is added) and of is_causal, or undefined. */
function biasOf(node: onnx.INodeProto, builder: GraphBuilder, scores: string): string | undefined {
  const terms: string[] = [];
  const mask = node.input?.[MASK];
  if (mask) {
    const type = builder.knownDataType(mask);
    if (type === DataType.BOOL) terms.push(selectBias(builder, mask));
    else if (type === DataType.FLOAT) terms.push(mask);
    else if (type !== undefined && FLOAT_MASKS.has(type)) terms.push(builder.op('Cast', [mask], { to: { int: DataType.FLOAT } }));
    else throw new UnsupportedForm(`the element type of its attn_mask "${mask}" is ${type ?? 'not known'}; a boolean or float mask is decomposed`);
  }
  if (intAttribute(node, 'is_causal', 0) === 1) terms.push(causalBias(builder, scores));
  return terms.reduce<string | undefined>((sum, term) => (sum ? builder.add(sum, term) : term), undefined);
}

/** softcap·tanh(x / softcap), the Tanh split as the Tanh rule splits it. */
function softcapped(builder: GraphBuilder, scores: Carried, softcap: number): Carried {
  const inside = partwise(scores, (part) => builder.scale(part, 1 / softcap));
  const tanh = isPair(inside) ? (smoothSplit(standardNode('Tanh'), [inside], builder)[0] as Pair) : builder.op('Tanh', [inside]);
  return partwise(tanh, (part) => builder.scale(part, softcap));
}

/**
 * The attention weights softmax(scores + bias) on the last axis. For a pair the bias is a constant
 * kept inside the softmax (recorded as `unmasked`, as Add and Where record an attention mask), so
 * the Softmax rule's Shapley split gives masked keys 0 in every part; rows with no key allowed are
 * zero, as onnxruntime gives them, their S(0) included.
 */
export function attentionWeights(builder: GraphBuilder, scores: Carried, bias: string | undefined, mayMaskRows: boolean): Carried {
  const guard = bias && mayMaskRows ? guardMaskedRows(builder, bias) : undefined;
  const added = guard ? guard.safeBias : bias;
  const node = standardNode('Softmax', [toAttributeProto('axis', { int: -1 })]);
  let weights: Carried;
  if (!isPair(scores)) weights = builder.op('Softmax', [added ? builder.add(scores, added) : scores], { axis: { int: -1 } });
  else {
    const masked: Pair = added
      ? { rel: scores.rel, irrel: builder.add(scores.irrel, added), unmasked: chainMask(scores, (whole) => builder.add(whole, added)) }
      : scores;
    weights = softmax(node, [masked], builder, () => undefined)[0] as Pair;
  }
  if (!guard) return weights;
  const keep = (part: string): string => builder.mul(part, guard.keep);
  if (!isPair(weights)) return keep(weights);
  const constant = weights.constant;
  return {
    rel: keep(weights.rel),
    irrel: keep(weights.irrel),
    ...(constant === undefined ? {} : { constant: typeof constant === 'number' ? builder.scale(guard.keep, constant) : keep(constant) }),
  };
}

/** A product that may hold pairs: the MatMul rule (CD product rule for two pairs), or MatMul of constants. */
export function matMul(builder: GraphBuilder, a: Carried, b: Carried): Carried {
  if (!isPair(a) && !isPair(b)) return builder.op('MatMul', [a, b]);
  return contraction(standardNode('MatMul', [], [shapeSource(a), shapeSource(b)]), [a, b], builder, () => undefined)[0] as Carried;
}

/** The past cache concatenated before the new keys or values on the sequence axis; a constant piece goes to the irrelevant part. */
function withPast(builder: GraphBuilder, past: Carried | undefined, next: Carried): Carried {
  if (past === undefined) return next;
  const concat = (a: string, b: string): string => builder.op('Concat', [a, b], { axis: { int: 2 } });
  if (!isPair(past) && !isPair(next)) return concat(past, next);
  const relOf = (x: Carried): string => (isPair(x) ? x.rel : builder.mul(x, builder.floatConstant([0])));
  const irrelOf = (x: Carried): string => (isPair(x) ? x.irrel : x);
  return { rel: concat(relOf(past), relOf(next)), irrel: concat(irrelOf(past), irrelOf(next)) };
}

/**
 * Attention (opset 23/24) decomposed as its written-out form is: scores Q·Kᵀ·scale by the MatMul
 * rule (the CD product rule for two pairs), softcap by the Tanh rule, the mask and causality kept
 * inside the Softmax rule's split (S(0) held as the weights' constant), then weights·V by the
 * MatMul rule, so S(0)·V's relevant part goes to the relevant part. Outputs: the attended values
 * and present_key / present_value (the caches with the new keys and values), each a pair or a
 * constant.
 */
export const attention: PairRule = (node, inputs, builder, declared) => {
  const reason = refusal(node, inputs);
  if (reason) throw new UnsupportedForm(reason);
  const [q3, k3, v3] = inputs as [Carried, Carried, Carried];
  const packed = isPacked(node, builder, declared);
  if (packed) checkHeads(node);
  const heads = (x: Carried, attribute: string): Carried =>
    packed ? partwise(x, (part) => toHeads(builder, part, intAttribute(node, attribute, 0)), true) : x;
  const q = heads(q3, 'q_num_heads');
  const presentKey = withPast(builder, inputs[PAST_KEY], heads(k3, 'kv_num_heads'));
  const presentValue = withPast(builder, inputs[PAST_VALUE], heads(v3, 'kv_num_heads'));
  const groups = groupsOf(node, builder, packed, shapeSource(q), shapeSource(presentKey));
  // Expand (the repeat) drops a recorded constant, as the Expand rule does; Transpose carries it.
  const repeated = (x: Carried): Carried => partwise(x, (part) => repeatHeads(builder, part, groups), groups === 1);
  const keys = partwise(repeated(presentKey), (part) => builder.transpose(part, [0, 1, 3, 2]), true);
  const scale = hasAttribute(node, 'scale') ? builder.floatConstant([floatAttribute(node, 'scale', 1)]) : defaultScale(builder, shapeSource(q));
  const product = partwise(matMul(builder, q, keys), (part) => builder.mul(part, scale));
  const softcap = floatAttribute(node, 'softcap', 0);
  const scores = softcap > 0 ? softcapped(builder, product, softcap) : product;
  const bias = biasOf(node, builder, shapeSource(scores));
  const weights = attentionWeights(builder, scores, bias, Boolean(node.input?.[MASK]));
  const output = matMul(builder, weights, repeated(presentValue));
  return [packed ? partwise(output, (part) => fromHeads(builder, part), true) : output, presentKey, presentValue];
};
