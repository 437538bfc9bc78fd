import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { intAttribute } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { alongQuantizationAxis } from '../autodiff/rules/quantization.js';
import { DataType } from '../proto/tensor.js';
import { shapleySplit } from './activations.js';
import { cloneNode, firstPairOnly, type DeclaredDims, type Pair, type PairRule } from './pair.js';

/*
 * A QDQ model's fake quantization, DequantizeLinear(QuantizeLinear(x)), decomposed as the CD paper
 * splits any nonlinearity of a sum. QuantizeLinear's parts are the integer levels as floats, split
 * by the Shapley split of q(x) = saturate(round(x/s) + zp) with q(0) = zp held by the irrelevant
 * part; DequantizeLinear, affine, scales each part by s and takes zp from the irrelevant one, so
 * relevant + irrelevant is the dequantized value exactly.
 */

/** The node's scale or zero point shaped to broadcast along its axis of `data` (see alongQuantizationAxis). */
function alongAxis(node: onnx.INodeProto, builder: GraphBuilder, declared: DeclaredDims, value: string, data: string): string {
  const dims = builder.hasShape(value) ? builder.shape(value) : declared(value);
  if (dims === undefined) throw new UnsupportedForm(`the shape of its scale or zero point "${value}" is not known`);
  if (intAttribute(node, 'block_size', 0) > 0) throw new UnsupportedForm('block quantization is not decomposed');
  if (dims.length === 0 || (dims.length === 1 && dims[0] === 1)) return value;
  const rank = (builder.hasShape(data) ? builder.shape(data) : declared(data))?.length;
  if (rank === undefined) throw new UnsupportedForm(`the rank of "${data}", quantized per axis, is not known`);
  return alongQuantizationAxis(builder, value, dims, rank, intAttribute(node, 'axis', 1));
}

/** q at a tensor of zeros shaped as the data: its zero point, per axis where the quantizer is. */
const atZeroTensor = (builder: GraphBuilder, data: Pair, q: (x: string) => string): string => q(builder.mul(data.rel, builder.floatConstant([0])));

/** QuantizeLinear: the integer levels as floats, by the Shapley split of q with q(0) = zp irrelevant. */
export const quantizeLinear: PairRule = (node, inputs, builder) => {
  const data = firstPairOnly(node, inputs);
  const rest = (node.input ?? []).slice(1);
  const q = (x: string): string => builder.toFloat(cloneNode(builder, node, [x, ...rest])[0] as string);
  return [shapleySplit(builder, data, q, atZeroTensor(builder, data, q))];
};

/** DequantizeLinear of QuantizeLinear's parts: (q − zp)·s, each part scaled by s and zp taken from the irrelevant one. */
export const dequantizeLinear: PairRule = (node, inputs, builder, declared) => {
  const data = firstPairOnly(node, inputs);
  const levels = node.input?.[0] as string;
  const given = node.input?.[1] as string;
  const shaped = alongAxis(node, builder, declared, given, levels);
  // A float16 scale (opset 19) as float32, the parts' type.
  const scale = builder.knownDataType(given) === DataType.FLOAT16 ? builder.toFloat(shaped) : shaped;
  const zeroPoint = node.input?.[2];
  const irrel = zeroPoint ? builder.sub(data.irrel, builder.toFloat(alongAxis(node, builder, declared, zeroPoint, levels))) : data.irrel;
  return [{ rel: builder.mul(data.rel, scale), irrel: builder.mul(irrel, scale) }];
};

/*
 * Dynamic quantization (onnxruntime's quantize_dynamic, transformers.js's quantized models):
 * DynamicQuantizeLinear → MatMulInteger or ConvInteger → Cast → the product of the scales. The
 * scale and zero point come from the whole input and are held, as the gradient holds them; the
 * levels are split as QuantizeLinear's, and the integer product is linear in the centred levels,
 * with the zero point taken from the irrelevant part.
 */

/** DynamicQuantizeLinear: its levels by the Shapley split (q(0) = zp irrelevant); its scale and zero point from the whole input. */
export const dynamicQuantizeLinear: PairRule = (node, inputs, builder) => {
  const data = firstPairOnly(node, inputs);
  const [levels, scale, zeroPoint] = cloneNode(builder, node, [builder.add(data.rel, data.irrel)], 3) as [string, string, string];
  const q = (x: string): string => builder.toFloat(builder.op('QuantizeLinear', [x, scale, zeroPoint]));
  return [shapleySplit(builder, data, q, atZeroTensor(builder, data, q), builder.toFloat(levels)), scale, zeroPoint];
};

/** A zero point as float, refused unless one value (`what` names it in the error). */
function singleZeroPoint(builder: GraphBuilder, declared: DeclaredDims, zeroPoint: string, what: string): string {
  const dims = builder.hasShape(zeroPoint) ? builder.shape(zeroPoint) : declared(zeroPoint);
  if (dims !== undefined && dims.some((d) => d !== 1))
    throw new UnsupportedForm(`its ${what} zero point "${zeroPoint}" has shape [${dims.join(', ')}]; one value is decomposed`);
  return builder.toFloat(zeroPoint);
}

/** The integer operand centred as float: `value` − `zeroPoint` shaped by `shape` (or `value` alone). */
function centredWeights(builder: GraphBuilder, value: string, zeroPoint: string | undefined, shape: (zp: string) => string): string {
  const float = builder.toFloat(value);
  return zeroPoint ? builder.sub(float, shape(builder.toFloat(zeroPoint))) : float;
}

/** MatMulInteger(A, B, a_zp, b_zp) = (A − a_zp)(B − b_zp): A's parts times the centred B, a_zp from the irrelevant part. */
export const matMulInteger: PairRule = (node, inputs, builder, declared) => {
  const data = firstPairOnly(node, inputs);
  const [, weights, aZero, bZero] = node.input ?? [];
  // b_zp is one value or one per column, [N], which broadcasts against B [K, N] as it is.
  const b = centredWeights(builder, weights as string, bZero || undefined, (zp) => zp);
  const irrel = aZero ? builder.sub(data.irrel, singleZeroPoint(builder, declared, aZero, 'A')) : data.irrel;
  return [{ rel: builder.op('MatMul', [data.rel, b]), irrel: builder.op('MatMul', [irrel, b]) }];
};

/** ConvInteger(x, w, x_zp, w_zp) = conv(x − x_zp, w − w_zp), padded with x_zp: Conv of each part with the centred weights, x_zp from the irrelevant part. */
export const convInteger: PairRule = (node, inputs, builder, declared) => {
  const data = firstPairOnly(node, inputs);
  const [, weights, xZero, wZero] = node.input ?? [];
  const rank = (builder.hasShape(weights as string) ? builder.shape(weights as string) : declared(weights as string))?.length;
  const perChannel = (zp: string): string => {
    if (rank === undefined) throw new UnsupportedForm(`the rank of its weights "${weights ?? ''}" is not known`);
    return builder.op('Reshape', [zp, builder.int64Constant([-1, ...new Array<number>(rank - 1).fill(1)])]);
  };
  const w = centredWeights(builder, weights as string, wZero || undefined, perChannel);
  const irrel = xZero ? builder.sub(data.irrel, singleZeroPoint(builder, declared, xZero, 'x')) : data.irrel;
  const floatConv = { ...node, opType: 'Conv', domain: '' };
  return [{ rel: cloneNode(builder, floatConv, [data.rel, w])[0] as string, irrel: cloneNode(builder, floatConv, [irrel, w])[0] as string }];
};

/** Cast to float of a pair (an integer product's accumulator): its parts are float already. */
export const castToFloat: PairRule = (node, inputs) => {
  const data = firstPairOnly(node, inputs);
  if (intAttribute(node, 'to', 0) !== DataType.FLOAT) throw new UnsupportedForm(`it casts to ${intAttribute(node, 'to', 0)}; a cast to float is decomposed`);
  return [data];
};
