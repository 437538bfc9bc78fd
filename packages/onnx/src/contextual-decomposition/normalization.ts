import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { floatAttribute, intAttribute } from '../graph/attributes.js';
import { firstPairOnly, splitBias, type DeclaredDims, type Pair, type PairRule } from './pair.js';

/**
 * Normalization by a statistic of the whole tensor, as CD for transformers (CD-T, Hsu et al.
 * 2024) carries a LayerNorm: centering is linear, so each part is centered on its own mean over
 * `axes`; both parts are divided by the standard deviation of the WHOLE tensor (rel + irrel),
 * which belongs to neither part. The parts still sum to the normalized tensor.
 */
function normalizedParts(builder: GraphBuilder, data: Pair, axes: readonly number[], epsilon: number): Pair {
  const whole = builder.add(data.rel, data.irrel);
  const deviation = builder.sub(whole, builder.reduceMean(whole, axes));
  const variance = builder.reduceMean(builder.mul(deviation, deviation), axes);
  const deviationScale = builder.op('Sqrt', [builder.add(variance, builder.floatConstant([epsilon]))]);
  const centered = (part: string): string => builder.div(builder.sub(part, builder.reduceMean(part, axes)), deviationScale);
  return { rel: centered(data.rel), irrel: centered(data.irrel) };
}

function rankOf(node: onnx.INodeProto, builder: GraphBuilder, declared: DeclaredDims): number {
  const input = node.input?.[0] as string;
  if (builder.hasShape(input)) return builder.shape(input).length;
  const dims = declared(input);
  if (dims) return dims.length;
  throw new UnsupportedForm(`the rank of its input "${input}" is not known`);
}

function onlyFirstOutput(node: onnx.INodeProto): void {
  if ((node.output ?? []).slice(1).some(Boolean))
    throw new UnsupportedForm('an output other than the normalized tensor (mean, inverse standard deviation) is used');
}

const scaled = (builder: GraphBuilder, parts: Pair, scale: string): Pair => ({ rel: builder.mul(parts.rel, scale), irrel: builder.mul(parts.irrel, scale) });

/**
 * LayerNormalization (opset 17): the parts normalized over axis … last (normalizedParts), times
 * the scale; the bias split as other biases are (splitBias), as the same LayerNorm exported as
 * ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add (before opset 17) is decomposed.
 */
export const layerNormalization: PairRule = (node, inputs, builder, declared) => {
  const data = firstPairOnly(node, inputs);
  onlyFirstOutput(node);
  const axis = intAttribute(node, 'axis', -1);
  const first = axis < 0 ? axis : axis - rankOf(node, builder, declared);
  const axes = Array.from({ length: -first }, (_, k) => first + k);
  const linear = scaled(builder, normalizedParts(builder, data, axes, floatAttribute(node, 'epsilon', 1e-5)), node.input?.[1] as string);
  const bias = node.input?.[2];
  return [bias ? splitBias(builder, linear, bias) : linear];
};

/** InstanceNormalization: normalizedParts over the spatial axes, the per-channel scale, the per-channel bias split. */
export const instanceNormalization: PairRule = (node, inputs, builder, declared) => {
  const data = firstPairOnly(node, inputs);
  const rank = rankOf(node, builder, declared);
  const axes = Array.from({ length: rank - 2 }, (_, k) => k + 2);
  const perChannel = (name: string): string => builder.op('Reshape', [name, builder.int64Constant([-1, ...new Array<number>(rank - 2).fill(1)])]);
  const linear = scaled(builder, normalizedParts(builder, data, axes, floatAttribute(node, 'epsilon', 1e-5)), perChannel(node.input?.[1] as string));
  return [splitBias(builder, linear, perChannel(node.input?.[2] as string))];
};

/**
 * Div of two pairs (in a LayerNorm exported before opset 17, the deviation by the standard
 * deviation): each part of the numerator divided by the whole divisor (rel + irrel).
 */
export function quotientByWhole(builder: GraphBuilder, numerator: Pair, divisor: Pair): Pair {
  const whole = builder.add(divisor.rel, divisor.irrel);
  return { rel: builder.div(numerator.rel, whole), irrel: builder.div(numerator.irrel, whole) };
}
