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

/** Each part viewed as [N, rows, −1] (Reshape's 0 keeps N, and the channel axis when `rows` is 0), mapped, and given back its shape. */
function byRows(builder: GraphBuilder, data: Pair, rows: number, map: (view: Pair) => Pair): Pair {
  const shape = builder.int64Constant([0, rows, -1]);
  const view = (part: string): string => builder.op('Reshape', [part, shape]);
  const mapped = map({ rel: view(data.rel), irrel: view(data.irrel) });
  return { rel: builder.reshapeLike(mapped.rel, data.rel), irrel: builder.reshapeLike(mapped.irrel, data.rel) };
}

/**
 * The parts normalized over each row of [N, rows, −1] (normalizedParts), times a per-row scale,
 * plus a per-row bias (split): InstanceNormalization has a row per channel, GroupNormalization one
 * per group. The input's rank need not be known, as after the Reshape that a GroupNorm exported
 * before opset 18 starts with.
 */
const normalizedRows = (builder: GraphBuilder, data: Pair, rows: number, epsilon: number): Pair =>
  byRows(builder, data, rows, (view) => normalizedParts(builder, view, [2], epsilon));

function affineRows(builder: GraphBuilder, data: Pair, rows: number, scale: string, bias: string): Pair {
  const column = (name: string): string => builder.op('Reshape', [name, builder.int64Constant([-1, 1])]);
  return byRows(builder, data, rows, (view) => splitBias(builder, scaled(builder, view, column(scale)), column(bias)));
}

/** InstanceNormalization: a row per channel (normalizedRows), the per-channel scale, the per-channel bias split. */
export const instanceNormalization: PairRule = (node, inputs, builder) => {
  const data = firstPairOnly(node, inputs);
  const [, scale, bias] = node.input ?? [];
  return [affineRows(builder, normalizedRows(builder, data, 0, floatAttribute(node, 'epsilon', 1e-5)), 0, scale as string, bias as string)];
};

/**
 * GroupNormalization (opset 18): a row per group (normalizedRows), as LayerNorm is carried: each
 * part centred on its own group mean, both divided by the whole tensor's group deviation. Before
 * opset 21 scale and bias hold a value per group; from opset 21 one per channel.
 */
export const groupNormalization: PairRule = (node, inputs, builder) => {
  const data = firstPairOnly(node, inputs);
  const groups = intAttribute(node, 'num_groups', 0);
  if (!(groups > 0)) throw new UnsupportedForm('its num_groups attribute is missing or not positive');
  const [, scale, bias] = node.input ?? [];
  const normalized = normalizedRows(builder, data, groups, floatAttribute(node, 'epsilon', 1e-5));
  return [affineRows(builder, normalized, builder.opset < 21 ? groups : 0, scale as string, bias as string)];
};

/**
 * Div of two pairs (in a LayerNorm exported before opset 17, the deviation by the standard
 * deviation): each part of the numerator divided by the whole divisor (rel + irrel).
 */
export function quotientByWhole(builder: GraphBuilder, numerator: Pair, divisor: Pair): Pair {
  const whole = builder.add(divisor.rel, divisor.irrel);
  return { rel: builder.div(numerator.rel, whole), irrel: builder.div(numerator.irrel, whole) };
}

/**
 * RMSNormalization (opset 23): each part divided by the root mean square of the WHOLE tensor over
 * axis … last (no centering), times the scale, as the exported RMSNorm forms are decomposed.
 */
export const rmsNormalization: PairRule = (node, inputs, builder, declared) => {
  const data = firstPairOnly(node, inputs);
  const axis = intAttribute(node, 'axis', -1);
  const first = axis < 0 ? axis : axis - rankOf(node, builder, declared);
  const axes = Array.from({ length: -first }, (_, k) => first + k);
  const whole = builder.add(data.rel, data.irrel);
  const meanSquare = builder.reduceMean(builder.mul(whole, whole), axes);
  const root = builder.op('Sqrt', [builder.add(meanSquare, builder.floatConstant([floatAttribute(node, 'epsilon', 1e-5)]))]);
  const normalized = (part: string): string => builder.div(part, root);
  return [scaled(builder, { rel: normalized(data.rel), irrel: normalized(data.irrel) }, node.input?.[1] as string)];
};
