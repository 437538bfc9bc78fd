import { InvalidModelError } from '../../../errors.js';
import type { LoweringBuilder } from '../lowering-builder.js';

/**
 * The activations onnxruntime fuses into its FusedConv and FusedGemm kernels, applied as the
 * standard ops they are. `params` are the activation's parameters in the order the standard op
 * names them (alpha, beta, gamma; Clip: min, max).
 */
const ACTIVATIONS: Readonly<Record<string, (b: LoweringBuilder, x: string, params: readonly number[]) => string>> = {
  Relu: (b, x) => unary(b, 'Relu', x),
  Tanh: (b, x) => unary(b, 'Tanh', x),
  Sigmoid: (b, x) => unary(b, 'Sigmoid', x),
  Softplus: (b, x) => unary(b, 'Softplus', x),
  Softsign: (b, x) => unary(b, 'Softsign', x),
  LeakyRelu: (b, x, [alpha]) => unary(b, 'LeakyRelu', x, { alpha: { float: alpha as number } }),
  Elu: (b, x, [alpha]) => unary(b, 'Elu', x, { alpha: { float: alpha as number } }),
  HardSigmoid: (b, x, [alpha, beta]) => unary(b, 'HardSigmoid', x, { alpha: { float: alpha as number }, beta: { float: beta as number } }),
  Selu: (b, x, [alpha, gamma]) => unary(b, 'Selu', x, { alpha: { float: alpha as number }, gamma: { float: gamma as number } }),
  // Clip takes its bounds as inputs from opset 11, the first opset lowered.
  Clip: (b, x, [min, max]) => b.shaped('Clip', [x, b.floatConstant([min as number]), b.floatConstant([max as number])], b.shape(x)),
  // alpha·tanh(beta·x)
  ScaledTanh: (b, x, [alpha, beta]) => b.times(unary(b, 'Tanh', b.times(x, b.floatConstant([beta as number]))), b.floatConstant([alpha as number])),
  // alpha·ln(1 + exp(beta·x))
  ParametricSoftplus: (b, x, [alpha, beta]) => b.times(unary(b, 'Softplus', b.times(x, b.floatConstant([beta as number]))), b.floatConstant([alpha as number])),
};

export function applyActivation(b: LoweringBuilder, x: string, activation: string, params: readonly number[]): string {
  const apply = ACTIVATIONS[activation];
  if (!apply) throw new InvalidModelError(`internal: no lowering for the fused activation ${activation}`);
  return apply(b, x, params);
}

function unary(b: LoweringBuilder, opType: string, x: string, attributes = {}): string {
  return b.shaped(opType, [x], b.shape(x), attributes);
}
