import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { intsAttribute, stringAttribute } from '../graph/attributes.js';
import { lstm } from './lstm.js';
import { castToFloat, convInteger, dequantizeLinear, dynamicQuantizeLinear, matMulInteger, quantizeLinear } from './quantization.js';
import { gruOrRnn } from './gru.js';
import { gatedProduct, gelu, hardSwish, reluFamily, smoothSplit } from './activations.js';
import { contraction, softmax, where } from './attention.js';
import { attention } from './attention-op.js';
import { rotaryEmbedding } from './rotary-embedding.js';
import { groupNormalization, instanceNormalization, layerNormalization, rmsNormalization, quotientByWhole } from './normalization.js';
import { power, squareRoot } from './powers.js';
import { keepStatistic, productWithStatistic, reciprocal, statistic, wholeOf } from './statistics.js';
import { chainMask, cloneNode, eachPart, isPair, splitBias, type Carried, type DeclaredDims, type Pair, type PairRule, type Unmasked } from './pair.js';

export type { PairRule } from './pair.js';

function onlyFirstIsPair(node: onnx.INodeProto, inputs: readonly Carried[]): Pair {
  const first = inputs[0];
  if (!isPair(first)) throw new UnsupportedForm('only its first input may depend on the model input');
  if (inputs.slice(1).some(isPair)) throw new UnsupportedForm(`input ${inputs.slice(1).findIndex(isPair) + 1} depends on the model input; only input 0 may`);
  return first;
}

/** Linear (or part-wise) in its first input: applied to each part. */
const eachRule =
  (outputs: 'one' | 'all' = 'one'): PairRule =>
  (node, inputs, builder) =>
    eachPart(builder, node, onlyFirstIsPair(node, inputs), 0, outputs === 'all' ? (node.output ?? []).length : 1);

const withoutInput = (node: onnx.INodeProto, drop: number): string[] => (node.input ?? []).filter((_, i) => i !== drop);

/** The number of spatial axes of a Conv: from kernel_shape, the weight's rank or the data's declared rank. */
function spatialRank(node: onnx.INodeProto, builder: GraphBuilder, declared: DeclaredDims): number {
  const kernel = intsAttribute(node, 'kernel_shape');
  if (kernel) return kernel.length;
  const weight = node.input?.[1] as string;
  if (builder.hasShape(weight)) return builder.shape(weight).length - 2;
  const data = declared(node.input?.[0] as string);
  if (data) return data.length - 2;
  throw new UnsupportedForm('neither kernel_shape nor the rank of its weight or data is known');
}

/** Conv (and ConvTranspose): the convolution without bias on each part, then the bias split. */
const conv: PairRule = (node, inputs, builder, declared) => {
  const data = onlyFirstIsPair(node, inputs);
  const rest = withoutInput(node, 0).slice(0, 1);
  const linear = { rel: cloneNode(builder, node, [data.rel, ...rest])[0] as string, irrel: cloneNode(builder, node, [data.irrel, ...rest])[0] as string };
  const bias = node.input?.[2];
  if (!bias) return [linear];
  const spatial = spatialRank(node, builder, declared);
  // [-1, 1, …]: the bias may be the output of a node (an Identity of a shared initializer) whose length no fact states
  const shaped = builder.op('Reshape', [bias, builder.int64Constant([-1, ...new Array<number>(spatial).fill(1)])]);
  return [splitBias(builder, linear, shaped)];
};

/** Gemm: A·B (times alpha) on each part, then beta·C split. */
const gemm: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  const b = node.input?.[1] as string;
  const linear = { rel: cloneNode(builder, node, [data.rel, b])[0] as string, irrel: cloneNode(builder, node, [data.irrel, b])[0] as string };
  const c = node.input?.[2];
  if (!c) return [linear];
  const beta = (node.attribute ?? []).find((a) => a.name === 'beta')?.f;
  return [splitBias(builder, linear, beta === undefined || beta === null ? c : builder.scale(c, Number(beta)))];
};

/** Add, Sub: parts add part-wise; a constant operand is a bias, split in proportion. */
const addOrSub: PairRule = (node, inputs, builder) => {
  const [a, b] = inputs as [Carried, Carried];
  const combine = (x: string, y: string): string => builder.op(node.opType as string, [x, y]);
  if (isPair(a) && isPair(b)) return [{ rel: combine(a.rel, b.rel), irrel: combine(a.irrel, b.irrel) }];
  // The constant may be an attention mask: recorded for a Softmax that follows (see softmax).
  if (isPair(a)) {
    const split = splitBias(builder, a, node.opType === 'Sub' ? builder.neg(b as string) : (b as string));
    return [{ ...split, unmasked: chainMask(a, (whole) => combine(whole, b as string)) }];
  }
  const negated = node.opType === 'Sub' ? { rel: builder.neg((b as Pair).rel), irrel: builder.neg((b as Pair).irrel) } : (b as Pair);
  return [{ ...splitBias(builder, negated, a as string), unmasked: chainMask(b as Pair, (whole) => combine(a as string, whole)) }];
};

/**
 * Mul, Div by a constant: linear, on each part. Mul of two pairs: the CD paper's product rule
 * (see gatedProduct), relevant·relevant and constant·relevant to the relevant part, every term
 * with an irrelevant factor to the irrelevant part; unless a factor is a statistic of the whole
 * tensor (a normalization's reciprocal scale, see statistics.ts), which scales each part. Div of
 * two pairs: see quotientByWhole. A constant divided by a pair: a statistic.
 */
const scaleRule: PairRule = (node, inputs, builder) => {
  const [a, b] = inputs;
  if (isPair(a) && isPair(b)) {
    if (node.opType === 'Mul') return [productWithStatistic(builder, a, b) ?? gatedProduct(builder, node, a, b)];
    return [a.statistic && b.statistic ? statistic(builder, builder.div(a.irrel, b.irrel)) : quotientByWhole(builder, a, b)];
  }
  if (isPair(b)) {
    if (node.opType === 'Mul') return keepStatistic(b, eachPart(builder, node, b, 1));
    return [statistic(builder, builder.div(a as string, wholeOf(builder, b)))];
  }
  return keepStatistic(a as Pair, eachPart(builder, node, a as Pair, 0));
};

/** Concat: the pairs concatenated part-wise; a constant piece goes to the irrelevant part. */
const concat: PairRule = (node, inputs, builder) => {
  const rels: string[] = [];
  const irrels: string[] = [];
  inputs.forEach((input, i) => {
    if (isPair(input)) {
      rels.push(input.rel);
      irrels.push(input.irrel);
    } else {
      const name = node.input?.[i] as string;
      rels.push(builder.mul(name, builder.floatConstant([0])));
      irrels.push(name);
    }
  });
  return [{ rel: cloneNode(builder, node, rels)[0] as string, irrel: cloneNode(builder, node, irrels)[0] as string }];
};

/** BatchNormalization: the shift split in proportion (0 when both parts are 0), irrel' = BN(r + i) − rel'. */
const batchNorm: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  const rest = withoutInput(node, 0);
  const bn = (x: string): string => cloneNode(builder, node, [x, ...rest])[0] as string;
  const shift = bn(builder.mul(data.rel, builder.floatConstant([0])));
  const linearRel = builder.sub(bn(data.rel), shift);
  const linearIrrel = builder.sub(bn(data.irrel), shift);
  const relWeight = builder.op('Abs', [linearRel]);
  const total = builder.op('Max', [builder.add(relWeight, builder.op('Abs', [linearIrrel])), builder.floatConstant([1e-30])]);
  const rel = builder.add(linearRel, builder.mul(builder.div(relWeight, total), shift));
  return [{ rel, irrel: builder.sub(bn(builder.add(data.rel, data.irrel)), rel) }];
};

/** MaxPool: both parts routed by the argmax of their sum. */
const maxPool: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  if ((node.output ?? []).filter(Boolean).length > 1) throw new UnsupportedForm('its Indices output is used');
  const indices = cloneNode(builder, node, [builder.add(data.rel, data.irrel)], 2)[1] as string;
  const flat = builder.int64Constant([-1]);
  const pick = (part: string): string => builder.op('Gather', [builder.op('Reshape', [part, flat]), indices], { axis: { int: 0 } });
  return [{ rel: pick(data.rel), irrel: pick(data.irrel) }];
};

/** Pad: the relevant part padded with 0, the irrelevant part with the pad value. */
const pad: PairRule = (node, inputs, builder) => {
  const data = onlyFirstIsPair(node, inputs);
  const input = node.input ?? [];
  if (stringAttribute(node, 'mode', 'constant') !== 'constant' || !input[2]) return eachPart(builder, node, data, 0);
  const relInputs = [data.rel, input[1] ?? '', builder.floatConstant([0]), ...input.slice(3)];
  return [{ rel: cloneNode(builder, node, relInputs)[0] as string, irrel: cloneNode(builder, node, [data.irrel, ...input.slice(1)])[0] as string }];
};

/**
 * Identity, Dropout (inference) and the ops that only move elements (Reshape, Transpose, Squeeze,
 * Unsqueeze, Slice, Gather, Split): each part, and the constant the irrelevant part holds (a
 * Softmax's S(0)) moved the same way, so that probabilities reshaped before their product with
 * values still give S(0)·v_rel to the relevant part. A number constant is the same everywhere.
 */
const movesElements =
  (outputs: 'one' | 'all' = 'one'): PairRule =>
  (node, inputs, builder) => {
    const data = onlyFirstIsPair(node, inputs);
    const count = outputs === 'all' ? (node.output ?? []).length : 1;
    const parts = eachPart(builder, node, data, 0, count).map((p) => ({ ...p, ...reshapedMask(node, data, builder) }));
    const constant = data.constant;
    if (constant === undefined) return parts;
    if (typeof constant === 'number') return parts.map((p) => ({ ...p, constant }));
    const moved = cloneNode(builder, node, [constant, ...withoutInput(node, 0)], count);
    return parts.map((p, k) => ({ ...p, constant: moved[k] as string }));
  };

const SHAPE_ONLY = new Set(['Identity', 'Dropout', 'Reshape', 'Squeeze', 'Unsqueeze']);

/**
 * A constant mask carried through an op that only changes the shape (scores + mask viewed per
 * window, as Swin does, before the Softmax): the op applied to the unmasked parts, and the mask
 * applied in the original shape, so the Softmax still folds it into its function.
 */
function reshapedMask(node: onnx.INodeProto, data: Pair, builder: GraphBuilder): { unmasked?: Unmasked } {
  const unmasked = data.unmasked;
  if (!unmasked || !SHAPE_ONLY.has(node.opType ?? '')) return {};
  const rest = withoutInput(node, 0);
  const op = (x: string): string => cloneNode(builder, node, [x, ...rest])[0] as string;
  const original = unmasked.parts.rel;
  return {
    unmasked: {
      parts: { rel: op(unmasked.parts.rel), irrel: op(unmasked.parts.irrel) },
      apply: (whole) => op(unmasked.apply(builder.reshapeLike(whole, original))),
    },
  };
}

/** Shape, Size: a plain tensor (the parts share the original's shape). */
const shapeOf: PairRule = (node, inputs, builder) => [cloneNode(builder, node, [onlyFirstIsPair(node, inputs).rel])[0] as string];

const linearOps = ['AveragePool', 'GlobalAveragePool', 'Flatten', 'Expand', 'Tile', 'Neg', 'ReduceSum', 'ReduceMean', 'DepthToSpace', 'SpaceToDepth'];

export const PAIR_RULES: ReadonlyMap<string, PairRule> = new Map<string, PairRule>([
  ...linearOps.map((op) => [op, eachRule()] as const),
  ...['Identity', 'Dropout', 'Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Slice', 'Gather'].map((op) => [op, movesElements()] as const),
  ['Split', movesElements('all')],
  ['Conv', conv],
  ['Gemm', gemm],
  ['MatMul', contraction],
  ['Einsum', contraction],
  ['Add', addOrSub],
  ['Sub', addOrSub],
  ['Mul', scaleRule],
  ['Div', scaleRule],
  ['Concat', concat],
  ...['Relu', 'Clip', 'LeakyRelu', 'PRelu', 'ThresholdedRelu'].map((op) => [op, reluFamily] as const),
  ...['Tanh', 'Sigmoid', 'Erf', 'HardSigmoid', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign', 'Mish'].map((op) => [op, smoothSplit] as const),
  ['HardSwish', hardSwish],
  ['Gelu', gelu],
  ['BatchNormalization', batchNorm],
  ['LayerNormalization', layerNormalization],
  ['InstanceNormalization', instanceNormalization],
  ['GroupNormalization', groupNormalization],
  ['RMSNormalization', rmsNormalization],
  ['Reciprocal', reciprocal],
  ['Pow', power],
  ['Sqrt', squareRoot],
  ['Softmax', softmax],
  ['Attention', attention],
  ['RotaryEmbedding', rotaryEmbedding],
  ['LogSoftmax', softmax],
  ['Where', where],
  ['MaxPool', maxPool],
  ['Pad', pad],
  ['Shape', shapeOf],
  ['Size', shapeOf],
  ['LSTM', lstm],
  ['GRU', gruOrRnn],
  ['RNN', gruOrRnn],
  ['QuantizeLinear', quantizeLinear],
  ['DequantizeLinear', dequantizeLinear],
  ['DynamicQuantizeLinear', dynamicQuantizeLinear],
  ['MatMulInteger', matMulInteger],
  ['ConvInteger', convInteger],
  ['Cast', castToFloat],
]);
