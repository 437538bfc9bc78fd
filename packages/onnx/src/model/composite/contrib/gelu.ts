import { floatAttribute } from '../../../graph/attributes.js';
import type { CompositeOp } from '../composite-op.js';
import type { LoweringBuilder } from '../lowering-builder.js';
import { optionalInput } from '../node-inputs.js';
import { contribOp } from './contrib-op.js';

/** ½·x·(1 + erf(x/√2)) */
function erfGelu(b: LoweringBuilder, x: string): string {
  const erf = b.shaped('Erf', [b.times(x, b.floatConstant([Math.SQRT1_2]))], b.shape(x));
  return b.times(b.times(x, b.floatConstant([0.5])), b.plus(erf, b.floatConstant([1])));
}

/** ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
function tanhGelu(b: LoweringBuilder, x: string): string {
  const cube = b.times(b.times(x, x), x);
  const inner = b.times(b.plus(x, b.times(cube, b.floatConstant([0.044715]))), b.floatConstant([Math.sqrt(2 / Math.PI)]));
  const tanh = b.shaped('Tanh', [inner], b.shape(inner));
  return b.times(b.times(x, b.floatConstant([0.5])), b.plus(tanh, b.floatConstant([1])));
}

function contribActivation(opType: string, lower: CompositeOp['lower']): CompositeOp {
  return contribOp({ opType, differentiable: 'all', refusal: () => undefined, lower });
}

/** X plus the optional bias (broadcast over the last axis). */
function withBias(b: LoweringBuilder, x: string, bias: string | undefined): string {
  return bias ? b.plus(x, bias) : x;
}

/** com.microsoft.Gelu: the exact (erf) GELU. */
export const gelu = contribActivation('Gelu', (b, node) => [erfGelu(b, node.input[0] as string)]);

/** com.microsoft.BiasGelu: Gelu(A + B). */
export const biasGelu = contribActivation('BiasGelu', (b, node) => [erfGelu(b, b.plus(node.input[0] as string, node.input[1] as string))]);

/** com.microsoft.FastGelu: the tanh approximation of GELU, of X plus the optional bias. */
export const fastGelu = contribActivation('FastGelu', (b, node) => [tanhGelu(b, withBias(b, node.input[0] as string, optionalInput(node, 1)))]);

/** com.microsoft.QuickGelu: x·sigmoid(alpha·x), alpha 1.702 by default. */
export const quickGelu = contribActivation('QuickGelu', (b, node) => {
  const x = node.input[0] as string;
  const sigmoid = b.shaped('Sigmoid', [b.times(x, b.floatConstant([floatAttribute(node, 'alpha', 1.702)]))], b.shape(x));
  return [b.times(x, sigmoid)];
});
