import { InvalidModelError } from '../../errors.js';
import type { ShapedBuilder } from './shaped-ops.js';
import type { Activation } from './spec.js';

/** f(x) for one of the recurrent ops' activations (see spec.ts), as standard ops with gradient rules. */
export function applyActivation(b: ShapedBuilder, activation: Activation, x: string): string {
  const shape = b.shape(x);
  const { alpha, beta } = activation;
  const k = (value: number): string => b.floatConstant([value]);
  switch (activation.name) {
    case 'sigmoid':
      return b.shaped('Sigmoid', [x], shape);
    case 'tanh':
      return b.shaped('Tanh', [x], shape);
    case 'relu':
      return b.shaped('Relu', [x], shape);
    case 'softsign':
      return b.shaped('Softsign', [x], shape);
    case 'softplus':
      return b.shaped('Softplus', [x], shape);
    case 'affine':
      return b.plus(b.times(x, k(alpha)), k(beta));
    case 'leakyrelu':
      return b.shaped('LeakyRelu', [x], shape, { alpha: { float: alpha } });
    case 'elu':
      return b.shaped('Elu', [x], shape, { alpha: { float: alpha } });
    case 'hardsigmoid':
      return b.shaped('HardSigmoid', [x], shape, { alpha: { float: alpha }, beta: { float: beta } });
    case 'scaledtanh':
      return b.times(b.shaped('Tanh', [b.times(x, k(beta))], shape), k(alpha));
    case 'thresholdedrelu': {
      // x where x > alpha, else 0: the mask is a constant of the gradient (Greater has none).
      const mask = b.shaped('Cast', [b.shaped('Greater', [x, k(alpha)], shape)], shape, { to: { int: 1 } });
      return b.times(x, mask);
    }
    default:
      throw new InvalidModelError(`activation "${activation.name}" is not supported`);
  }
}

/** clip bounds an activation's input to [−clip, clip] (the ops' `clip` attribute). */
export function clipped(b: ShapedBuilder, x: string, clip: number | undefined): string {
  if (clip === undefined) return x;
  return b.shaped('Clip', [x, b.floatConstant([-clip], []), b.floatConstant([clip], [])], b.shape(x));
}
