import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { shapleySplit } from './activations.js';
import { cloneNode, firstPairOnly, type PairRule } from './pair.js';
import { statistic, wholeOf } from './statistics.js';

/**
 * Pow by a constant positive exponent and Sqrt (the variance and standard deviation of a LayerNorm
 * exported before opset 17): the Shapley split of the CD paper, f(0) = 0. A part outside the
 * function's domain (a negative share of a variance under a root or a fractional power) is read
 * as 0, so no part is NaN; the whole is exact and the irrelevant part is the whole minus the
 * relevant one, so the parts still sum to f(r + i).
 */
export const power: PairRule = (node, inputs, builder) => {
  const data = firstPairOnly(node, inputs);
  const exponent = node.input?.[1] as string;
  const values = builder.hasConstantValues(exponent) ? builder.constantValues(exponent) : undefined;
  const value = values?.length === 1 ? (values[0] as number) : Number.NaN;
  if (data.statistic || value < 0) return [statistic(builder, cloneNode(builder, node, [wholeOf(builder, data), exponent])[0] as string)];
  if (!(value > 0)) throw new UnsupportedForm(`its exponent "${exponent}" is not one constant nonzero number`);
  const domain = (x: string): string => (Number.isInteger(value) ? x : builder.op('Relu', [x]));
  return [shapleySplit(builder, data, (x) => cloneNode(builder, node, [domain(x), exponent])[0] as string, 0)];
};

/** Sqrt: see power. */
export const squareRoot: PairRule = (node, inputs, builder) => {
  const data = firstPairOnly(node, inputs);
  if (data.statistic) return [statistic(builder, cloneNode(builder, node, [data.irrel])[0] as string)];
  return [shapleySplit(builder, data, (x) => cloneNode(builder, node, [builder.op('Relu', [x])])[0] as string, 0)];
};
