import { floatAttribute, hasAttribute, intAttribute, intsAttribute, type Attributes } from '../../../graph/attributes.js';
import type { onnx } from '../../../proto/generated/onnx.js';
import type { CompositeOp } from '../composite-op.js';
import type { LoweringBuilder } from '../lowering-builder.js';
import { dequantizeAt, quantizeTo } from '../quantized-linear.js';
import { contribOp } from './contrib-op.js';
import { optionalInput } from '../node-inputs.js';

/*
 * onnxruntime's quantized contrib ops of the QOperator form, each lowered as the standard ones
 * (see quantized-linear.ts): DequantizeLinear of its inputs, the float op, QuantizeLinear.
 */

const channelsLast = (node: onnx.INodeProto): string | undefined =>
  intAttribute(node, 'channels_last', 0) !== 0 ? 'channels_last 1 (NHWC) is not lowered' : undefined;

/** (A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp): C = op(A, B) with broadcasting. */
const binary = (opType: string, apply: (b: LoweringBuilder, x: string, y: string) => string): CompositeOp =>
  contribOp({
    opType,
    differentiable: [0, 3],
    refusal: () => undefined,
    lower: (b, node) => [quantizeTo(b, node, apply(b, dequantizeAt(b, node, 0), dequantizeAt(b, node, 3)), 6)],
  });

/** (X, X_scale, X_zp, Y_scale, Y_zp): Y = f(X). */
const unary = (opType: string, apply: (b: LoweringBuilder, x: string, node: onnx.NodeProto) => string, refusal = channelsLast): CompositeOp =>
  contribOp({
    opType,
    differentiable: [0],
    refusal,
    lower: (b, node) => [quantizeTo(b, node, apply(b, dequantizeAt(b, node, 0), node), 3)],
  });

/** The AveragePool attributes of a QLinearAveragePool. */
export function poolAttributes(node: onnx.INodeProto): Attributes {
  const attributes: Record<string, Attributes[string]> = {};
  for (const name of ['kernel_shape', 'pads', 'strides']) {
    const values = intsAttribute(node, name);
    if (values) attributes[name] = { ints: values };
  }
  for (const name of ['ceil_mode', 'count_include_pad']) if (hasAttribute(node, name)) attributes[name] = { int: intAttribute(node, name, 0) };
  return attributes;
}

/** (Y_scale, Y_zp, then X, X_scale, X_zp per input): Y = Concat(X…) along `axis`. */
const qLinearConcat = contribOp({
  opType: 'QLinearConcat',
  differentiable: 'all',
  refusal: () => undefined,
  lower(b, node) {
    const parts = Array.from({ length: (node.input.length - 2) / 3 }, (_, k) => dequantizeAt(b, node, 2 + 3 * k));
    return [quantizeTo(b, node, b.inferred('Concat', parts, { axis: { int: intAttribute(node, 'axis', 0) } }), 0)];
  },
});

/**
 * QGemm(A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp): alpha·A'·B' of the dequantized 2-D
 * operands (B per column of the output when b_scale is 1-D) plus the int32 C, whose scale is
 * alpha·a_scale·b_scale; quantized when y_scale is given, float otherwise.
 */
const qGemm = contribOp({
  opType: 'QGemm',
  differentiable: [0, 3],
  refusal: () => undefined,
  lower(b, node) {
    const alpha = floatAttribute(node, 'alpha', 1);
    const transA = intAttribute(node, 'transA', 0);
    const transB = intAttribute(node, 'transB', 0);
    const a = dequantizeAt(b, node, 0);
    const w = dequantizeAt(b, node, 3, transB ? 0 : 1);
    const inputs = [a, w];
    const c = optionalInput(node, 6);
    if (c) {
      const scale = b.times(b.times(node.input[1] as string, node.input[4] as string), b.floatConstant([alpha]));
      inputs.push(b.times(b.toFloat(c), scale));
    }
    const attributes = { alpha: { float: alpha }, transA: { int: transA }, transB: { int: transB } };
    const [m, n] = [b.shape(node.input[0] as string)[transA ? 1 : 0] as number, b.shape(node.input[3] as string)[transB ? 0 : 1] as number];
    const y = b.shaped('Gemm', inputs, [m, n], attributes);
    return [optionalInput(node, 7) ? quantizeTo(b, node, y, 7) : y];
  },
});

export const qLinearContribOps: readonly CompositeOp[] = [
  qGemm,
  binary('QLinearAdd', (b, x, y) => b.plus(x, y)),
  binary('QLinearMul', (b, x, y) => b.times(x, y)),
  unary('QLinearGlobalAveragePool', (b, x) =>
    b.shaped(
      'GlobalAveragePool',
      [x],
      [
        ...b.shape(x).slice(0, 2),
        ...b
          .shape(x)
          .slice(2)
          .map(() => 1),
      ],
    ),
  ),
  unary('QLinearAveragePool', (b, x, node) => b.inferred('AveragePool', [x], poolAttributes(node))),
  unary(
    'QLinearSigmoid',
    (b, x) => b.shaped('Sigmoid', [x], b.shape(x)),
    () => undefined,
  ),
  unary(
    'QLinearLeakyRelu',
    (b, x, node) => b.shaped('LeakyRelu', [x], b.shape(x), { alpha: { float: floatAttribute(node, 'alpha', 0.01) } }),
    () => undefined,
  ),
  qLinearConcat,
];
