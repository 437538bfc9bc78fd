import type { GraphBuilder } from '../../graph/builder.js';
import { onnx } from '../../proto/generated/onnx.js';
import { DataType, dataTypeName } from '../../proto/tensor.js';
import { conv } from './conv.js';
import { matMul } from './linear.js';
import { NodeView, outputGrad, UnsupportedForm, type GradientRule } from './rule.js';

/*
 * Quantized models are differentiated through the float values their integers stand for, with the
 * straight-through estimator of quantization-aware training: rounding passes the gradient
 * unchanged, saturation stops it (PyTorch's fake_quantize backward). A quantized tensor on the
 * path carries the float gradient of the value it encodes; scales and zero points are constants,
 * and DynamicQuantizeLinear's scale, computed from its input, is held fixed as PyTorch's observers
 * hold theirs.
 */

/** The integer range of each quantized element type. */
const RANGES: ReadonlyMap<number, readonly [number, number]> = new Map([
  [DataType.UINT8, [0, 255]],
  [DataType.INT8, [-128, 127]],
  [DataType.UINT16, [0, 65535]],
  [DataType.INT16, [-32768, 32767]],
]);

/**
 * Ops (qualified by domain outside the default one) whose integer output (by index) carries, on the
 * path, the gradient of the float values it encodes: the quantizing ops with rules below, and the
 * QOperator ops lowered into them (model/composite/quantized-linear.ts, contrib/qlinear.ts).
 */
export const QUANTIZED_OUTPUTS: ReadonlyMap<string, number> = new Map([
  ['QuantizeLinear', 0],
  ['DynamicQuantizeLinear', 0],
  ['MatMulInteger', 0],
  ['ConvInteger', 0],
  ['QLinearConv', 0],
  ['QLinearMatMul', 0],
  ...['QLinearAdd', 'QLinearMul', 'QLinearGlobalAveragePool', 'QLinearAveragePool', 'QLinearSigmoid', 'QLinearLeakyRelu', 'QLinearConcat', 'QGemm'].map(
    (op) => [`com.microsoft.${op}`, 0] as const,
  ),
]);

/**
 * Ops that move or select the elements of a quantized tensor without computing new values: their
 * integer outputs carry its gradient too (MaxPool picks a maximum, which the quantization keeps).
 */
export const QUANTIZED_ROUTES: ReadonlySet<string> = new Set([
  'Identity',
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Slice',
  'Split',
  'Concat',
  'Pad',
  'MaxPool',
  'DepthToSpace',
  'SpaceToDepth',
  'Tile',
  'Expand',
  'Gather',
]);

/**
 * A scale or zero point of dims `dims` shaped to broadcast along `axis` of a rank-`rank` tensor: a
 * per-axis one [C] reshaped, a scalar or one-element one as it is (the gradient rules here and the
 * contextual decomposition of QDQ models share it).
 */
export function alongQuantizationAxis(b: GraphBuilder, value: string, dims: readonly (number | undefined)[], rank: number, axis: number): string {
  if (dims.length === 0 || (dims.length === 1 && dims[0] === 1)) return value;
  if (dims.length !== 1) throw new UnsupportedForm(`its scale or zero point "${value}" has shape [${dims.join(', ')}]; block quantization is not taken`);
  const at = axis < 0 ? axis + rank : axis;
  const shape = Array.from({ length: rank }, (_, k) => (k === at ? (dims[0] ?? -1) : 1));
  return b.op('Reshape', [value, b.int64Constant(shape)], {}, shape.includes(-1) ? undefined : shape);
}

const alongAxis = (b: GraphBuilder, node: NodeView, value: string, rank: number): string =>
  alongQuantizationAxis(b, value, b.shape(value), rank, node.int('axis', 1));

function refuseBlocks(node: NodeView): void {
  if (node.int('block_size', 0) > 0) throw new UnsupportedForm(`block_size ${node.int('block_size', 0)} (block quantization) is not differentiated`);
}

/** q = saturate(round(x / s) + zp): the gradient passes where round(x / s) + zp is within the type's range, divided by s. */
const quantizeLinear: GradientRule = {
  opType: 'QuantizeLinear',
  since: 10,
  differentiable: [0],
  gradient(node, grads, b) {
    refuseBlocks(node);
    const g = outputGrad(node, grads);
    const [x, scale, zeroPoint] = [node.input(0), node.input(1), node.input(2)];
    const type = zeroPoint ? b.dataType(zeroPoint) : node.int('output_dtype', DataType.UINT8) || DataType.UINT8;
    const range = RANGES.get(type);
    if (!range) throw new UnsupportedForm(`it quantizes to ${dataTypeName(type)}; 8- and 16-bit integers are differentiated`);
    const rank = b.shape(x).length;
    const s = alongAxis(b, node, b.toFloat(scale), rank);
    let level = b.op('Round', [b.op('Div', [x, s])]);
    if (zeroPoint) level = b.add(level, alongAxis(b, node, b.toFloat(zeroPoint), rank));
    const below = b.op('Less', [level, b.floatConstant([range[0]])]);
    const above = b.op('Greater', [level, b.floatConstant([range[1]])]);
    const inside = b.toFloat(b.op('Not', [b.op('Or', [below, above])]));
    return [b.op('Div', [b.mul(g, inside), s])];
  },
};

/** y = (q − zp)·s: the gradient of q is g·s. */
const dequantizeLinear: GradientRule = {
  opType: 'DequantizeLinear',
  since: 10,
  differentiable: [0],
  gradient(node, grads, b) {
    refuseBlocks(node);
    const g = outputGrad(node, grads);
    const s = alongAxis(b, node, b.toFloat(node.input(1)), b.shape(node.input(0)).length);
    return [b.mul(g, s)];
  },
};

/** y = saturate(round(x / s) + zp) with s and zp from the range of x: the gradient of x is g / s (s held fixed). */
const dynamicQuantizeLinear: GradientRule = {
  opType: 'DynamicQuantizeLinear',
  since: 11,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = grads[0];
    return [g ? b.op('Div', [g, node.output(1)]) : null];
  },
};

/** A synthetic node of `opType` on float operands, for the rule of the float op a quantized one computes. */
function floatView(node: NodeView, opType: string, inputs: readonly string[]): NodeView {
  const needs = new Set([0, 1].filter((i) => node.needsGradient(i)));
  const proto = onnx.NodeProto.create({ opType, name: node.name, input: [...inputs], output: [node.output(0)], attribute: [...(node.proto.attribute ?? [])] });
  return new NodeView(proto, node.opset, needs);
}

/** `value` − `zeroPoint` as float, the zero point shaped by `shapeZero` (absent: `value` as float). */
function centred(b: GraphBuilder, value: string, zeroPoint: string, shapeZero: (zp: string) => string): string {
  const float = b.toFloat(value);
  return zeroPoint ? b.op('Sub', [float, shapeZero(b.toFloat(zeroPoint))], {}, b.shape(value)) : float;
}

/** Y = (A − a_zp)(B − b_zp) in int32: MatMul's gradient on the centred operands (a per-row a_zp [M] as [M, 1]). */
const matMulInteger: GradientRule = {
  opType: 'MatMulInteger',
  since: 10,
  differentiable: [0, 1],
  gradient(node, grads, b) {
    const [a, w] = [node.input(0), node.input(1)];
    const perRow = (zp: string): string => (b.shape(zp).length === 1 && (b.shape(zp)[0] as number) > 1 ? b.reshape(zp, [b.shape(zp)[0] as number, 1]) : zp);
    const af = centred(b, a, node.input(2), perRow);
    const wf = centred(b, w, node.input(3), (zp) => zp);
    return matMul.gradient(floatView(node, 'MatMul', [af, wf]), grads, b);
  },
};

/** Y = conv(x − x_zp, w − w_zp) in int32: Conv's input gradient with the centred weights (a per-channel w_zp [M] as [M, 1, …]). */
const convInteger: GradientRule = {
  opType: 'ConvInteger',
  since: 10,
  differentiable: [0],
  gradient(node, grads, b) {
    const [x, w] = [node.input(0), node.input(1)];
    const rank = b.shape(w).length;
    const perChannel = (zp: string): string =>
      b.shape(zp).length === 1 && (b.shape(zp)[0] as number) > 1 ? b.reshape(zp, [b.shape(zp)[0] as number, ...new Array<number>(rank - 1).fill(1)]) : zp;
    const wf = centred(b, w, node.input(3), perChannel);
    const [gx] = conv.gradient(floatView(node, 'Conv', [x, wf]), grads, b);
    return [gx ?? null];
  },
};

export const quantizationRules: readonly GradientRule[] = [quantizeLinear, dequantizeLinear, dynamicQuantizeLinear, matMulInteger, convInteger];
