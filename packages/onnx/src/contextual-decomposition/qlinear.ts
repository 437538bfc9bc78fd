import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { floatAttribute, intAttribute, type Attributes } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { convAttributes } from '../model/composite/contrib/fused-conv.js';
import { poolAttributes } from '../model/composite/contrib/qlinear.js';
import { optionalInput } from '../model/composite/node-inputs.js';
import { isPair, type Carried, type DeclaredDims, type Pair, type PairRule } from './pair.js';
import { StandardSteps } from './standard-steps.js';

/*
 * The QOperator form of quantized models (QLinearConv, QLinearMatMul and onnxruntime's QLinear
 * contrib ops) decomposed as the QDQ form each computes (see model/composite/quantized-linear.ts):
 * DequantizeLinear's rule on each decomposed operand, the float op's rule, then QuantizeLinear's.
 * A constant operand (the weights) is dequantized as it is.
 */

/** A node's steps and its operands by index. */
class QOperator {
  readonly steps: StandardSteps;

  constructor(
    private readonly node: onnx.INodeProto,
    private readonly inputs: readonly Carried[],
    private readonly builder: GraphBuilder,
    declared: DeclaredDims,
  ) {
    this.steps = new StandardSteps(node, builder, declared);
  }

  name(index: number): string {
    return this.node.input?.[index] as string;
  }

  /** The operand at `index` dequantized with the scale and zero point after it (`axis` for a 1-D scale). */
  dequantized(index: number, axis?: number): Carried {
    const zeroPoint = optionalInput(this.node, index + 2);
    const names = [this.name(index), this.name(index + 1), ...(zeroPoint ? [zeroPoint] : [])];
    const attributes: Attributes = axis === undefined ? {} : { axis: { int: axis } };
    const carried = this.inputs[index];
    for (const k of [index + 1, index + 2]) {
      if (isPair(this.inputs[k])) throw new UnsupportedForm(`its scale or zero point "${this.name(k)}" depends on the model input`);
    }
    if (!isPair(carried)) return this.builder.op('DequantizeLinear', names, attributes);
    return this.steps.apply('DequantizeLinear', [carried, ...names.slice(1)], names, attributes);
  }

  /** `y` quantized to the scale and zero point at `index`. */
  quantized(y: Pair, index: number): Pair {
    const zeroPoint = optionalInput(this.node, index + 1);
    const constants = [this.name(index), ...(zeroPoint ? [zeroPoint] : [])];
    return this.steps.unary('QuantizeLinear', y, constants);
  }

  /** The rank of a constant operand (its weights), or undefined. */
  rank(index: number): number | undefined {
    const name = this.name(index);
    return this.builder.hasShape(name) ? this.builder.shape(name).length : undefined;
  }

  /** The int32 bias at `index` as float, scaled by the product of the scales at `scales` (and `factor`). */
  bias(index: number, scales: readonly number[], factor = 1): string | undefined {
    const bias = optionalInput(this.node, index);
    if (!bias) return undefined;
    const scale = scales.reduce((product, k) => this.builder.mul(product, this.name(k)), this.builder.floatConstant([factor]));
    return this.builder.mul(this.builder.toFloat(bias), scale);
  }
}

const firstOnly = (q: QOperator, inputs: readonly Carried[], weight: number): void => {
  if (!isPair(inputs[0])) throw new UnsupportedForm('only its input 0 may depend on the model input');
  if (isPair(inputs[weight])) throw new UnsupportedForm(`its input ${weight} ("${q.name(weight)}") depends on the model input; only input 0 may`);
};

const asPair = (carried: Carried, opType: string): Pair => {
  if (!isPair(carried)) throw new UnsupportedForm(`internal: the ${opType} step gave no decomposed tensor`);
  return carried;
};

/** QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B): Conv's rule on the dequantized x, with the bias scaled by x_scale·w_scale. */
export const qLinearConv: PairRule = (node, inputs, builder, declared) => {
  const q = new QOperator(node, inputs, builder, declared);
  firstOnly(q, inputs, 3);
  const x = asPair(q.dequantized(0), 'DequantizeLinear');
  const w = q.dequantized(3, 0) as string;
  const bias = q.bias(8, [1, 4]);
  const given = convAttributes(node);
  // Conv's rule reads the spatial rank from kernel_shape, which the weights' shape gives when it is absent.
  const attributes: Attributes =
    given['kernel_shape'] === undefined && q.rank(3) !== undefined
      ? { ...given, kernel_shape: { ints: builder.shape(q.name(3)).slice(2) as number[] } }
      : given;
  const conv = q.steps.apply('Conv', bias ? [x, w, bias] : [x, w], bias ? [q.name(0), w, bias] : [q.name(0), w], attributes);
  return [q.quantized(conv, 6)];
};

/** QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): MatMul's rule on the dequantized operands (b per column). */
export const qLinearMatMul: PairRule = (node, inputs, builder, declared) => {
  const q = new QOperator(node, inputs, builder, declared);
  const rank = q.rank(3);
  const a = q.dequantized(0);
  const b = q.dequantized(3, rank === undefined ? undefined : rank - 1);
  const names = [isPair(a) ? q.name(0) : a, isPair(b) ? q.name(3) : b] as [string, string];
  return [q.quantized(q.steps.apply('MatMul', [a, b], names), 6)];
};

/** QGemm(A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp): Gemm's rule on the dequantized A, C scaled by alpha·a_scale·b_scale; quantized when y_scale is given. */
export const qGemm: PairRule = (node, inputs, builder, declared) => {
  const q = new QOperator(node, inputs, builder, declared);
  firstOnly(q, inputs, 3);
  const alpha = floatAttribute(node, 'alpha', 1);
  const transB = intAttribute(node, 'transB', 0);
  const a = asPair(q.dequantized(0), 'DequantizeLinear');
  const w = q.dequantized(3, transB ? 0 : 1) as string;
  const c = q.bias(6, [1, 4], alpha);
  const attributes = { alpha: { float: alpha }, transA: { int: intAttribute(node, 'transA', 0) }, transB: { int: transB } };
  const gemm = q.steps.apply('Gemm', c ? [a, w, c] : [a, w], c ? [q.name(0), w, c] : [q.name(0), w], attributes);
  return [optionalInput(node, 7) ? q.quantized(gemm, 7) : gemm];
};

/** QLinearAdd, QLinearMul (A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp): Add's or Mul's rule on the dequantized operands. */
export const qLinearBinary =
  (opType: 'Add' | 'Mul'): PairRule =>
  (node, inputs, builder, declared) => {
    const q = new QOperator(node, inputs, builder, declared);
    const [a, b] = [q.dequantized(0), q.dequantized(3)];
    const names = [isPair(a) ? q.name(0) : a, isPair(b) ? q.name(3) : b];
    return [q.quantized(q.steps.apply(opType, [a, b], names), 6)];
  };

/** (X, X_scale, X_zp, Y_scale, Y_zp), Y = f(X): the standard op's rule on the dequantized X. */
export const qLinearUnary =
  (opType: string, attributes: (node: onnx.INodeProto) => Attributes = () => ({})): PairRule =>
  (node, inputs, builder, declared) => {
    if (intAttribute(node, 'channels_last', 0) !== 0) throw new UnsupportedForm('channels_last 1 (NHWC) is not decomposed');
    const q = new QOperator(node, inputs, builder, declared);
    const x = asPair(q.dequantized(0), 'DequantizeLinear');
    return [q.quantized(q.steps.apply(opType, [x], [q.name(0)], attributes(node)), 3)];
  };

export const qLinearLeakyRelu = qLinearUnary('LeakyRelu', (node) => ({ alpha: { float: floatAttribute(node, 'alpha', 0.01) } }));
export const qLinearAveragePool = qLinearUnary('AveragePool', poolAttributes);

/** QLinearConcat(Y_scale, Y_zp, then X, X_scale, X_zp per input): Concat's rule on the dequantized inputs. */
export const qLinearConcat: PairRule = (node, inputs, builder, declared) => {
  const q = new QOperator(node, inputs, builder, declared);
  const count = ((node.input ?? []).length - 2) / 3;
  const parts = Array.from({ length: count }, (_, k) => q.dequantized(2 + 3 * k));
  const names = parts.map((part, k) => (isPair(part) ? q.name(2 + 3 * k) : part));
  return [q.quantized(q.steps.apply('Concat', parts, names, { axis: { int: intAttribute(node, 'axis', 0) } }), 0)];
};
