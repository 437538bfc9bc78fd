import type { CompositeOp } from './composite-op.js';
import type { LoweringBuilder } from './lowering-builder.js';
import { optionalInput } from './node-inputs.js';
import { convAttributes } from './contrib/fused-conv.js';

/*
 * The QOperator form of quantized models (onnxruntime's static quantizer with QuantFormat.QOperator,
 * TFLite conversions): each op reads and writes integers with their scales and zero points. Each is
 * lowered into the QDQ form it computes, DequantizeLinear of its inputs, the float op, then
 * QuantizeLinear, so the straight-through rules of QuantizeLinear and DequantizeLinear (see
 * autodiff/rules/quantization.ts) differentiate it. onnxruntime's integer kernels requantize with
 * a float multiplier; the float form rounds the same values, so an output element can differ by
 * one quantization step where a value lies on a rounding boundary.
 */

/** DequantizeLinear of the quantized tensor at `index` with its scale and zero point after it (per axis `axis` when the scale is 1-D). */
export function dequantizeAt(b: LoweringBuilder, node: { input: string[] }, index: number, axis?: number): string {
  const x = node.input[index] as string;
  const zeroPoint = optionalInput(node, index + 2);
  const inputs = zeroPoint ? [x, node.input[index + 1] as string, zeroPoint] : [x, node.input[index + 1] as string];
  return b.shaped('DequantizeLinear', inputs, b.shape(x), axis === undefined ? {} : { axis: { int: axis } });
}

/** QuantizeLinear of `y` to the scale and zero point at `index` (the node's output quantization). */
export function quantizeTo(b: LoweringBuilder, node: { input: string[] }, y: string, index: number): string {
  const zeroPoint = optionalInput(node, index + 1);
  const inputs = zeroPoint ? [y, node.input[index] as string, zeroPoint] : [y, node.input[index] as string];
  return b.shaped('QuantizeLinear', inputs, b.shape(y));
}

/**
 * QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B): Conv of the dequantized x
 * and w (per output channel when w_scale is 1-D), with the int32 bias B scaled by x_scale·w_scale,
 * quantized to y_scale and y_zp.
 */
const qLinearConv: CompositeOp = {
  opType: 'QLinearConv',
  since: 10,
  differentiable: [0],
  refusal: () => undefined,
  lower(b, node) {
    const x = dequantizeAt(b, node, 0);
    const w = dequantizeAt(b, node, 3, 0);
    const inputs = [x, w];
    const bias = optionalInput(node, 8);
    if (bias) {
      const scale = b.times(node.input[1] as string, node.input[4] as string);
      inputs.push(b.times(b.toFloat(bias), scale));
    }
    return [quantizeTo(b, node, b.inferred('Conv', inputs, convAttributes(node)), 6)];
  },
};

/** QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): MatMul of the dequantized a and b (b per column when its scale is 1-D). */
const qLinearMatMul: CompositeOp = {
  opType: 'QLinearMatMul',
  since: 10,
  differentiable: [0, 3],
  refusal: () => undefined,
  lower(b, node) {
    const a = dequantizeAt(b, node, 0);
    const w = dequantizeAt(b, node, 3, b.shape(node.input[3] as string).length - 1);
    return [quantizeTo(b, node, b.inferred('MatMul', [a, w]), 6)];
  },
};

export const quantizedLinearOps: readonly CompositeOp[] = [qLinearConv, qLinearMatMul];
