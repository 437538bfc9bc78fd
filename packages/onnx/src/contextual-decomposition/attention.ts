import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { gatedProduct } from './activations.js';
import { chainMask, cloneNode, eachPart, firstPairOnly, isPair, type Pair, type PairRule } from './pair.js';

/**
 * Softmax or LogSoftmax of a pair (CD-T, Hsu et al. 2024): the Shapley split of the CD paper applied to the
 * vector function S on the node's axis, rel' = ½[(S(r) − S(0)) + (S(r + i) − S(i))],
 * irrel' = S(r + i) − rel'. The irrelevant part holds S(0) (uniform over the axis), recorded as
 * the pair's constant so that probabilities times values give S(0)·v_rel to the relevant part
 * (gatedProduct). A constant added to the scores (an additive attention mask, or any bias) or
 * filled in by a Where (blocked positions) is part of the function, S(x + m), not split:
 * blocked positions get 0 in every term, and a mask of float32's minimum is never split into two
 * shares whose sum could overflow to −∞.
 */
export const softmax: PairRule = (node, inputs, builder) => {
  const data = firstPairOnly(node, inputs);
  const { parts, apply } = data.unmasked ?? { parts: data, apply: (whole: string) => whole };
  const f = (x: string): string => cloneNode(builder, node, [apply(x)])[0] as string;
  const atZero = f(builder.zerosLike(parts.rel));
  const whole = f(builder.add(parts.rel, parts.irrel));
  const rel = builder.scale(builder.add(builder.sub(f(parts.rel), atZero), builder.sub(whole, f(parts.irrel))), 0.5);
  return [{ rel, irrel: builder.sub(whole, rel), constant: atZero }];
};

/**
 * Where with a constant condition: a pair selected part-wise; a constant branch (the fill of a
 * masked_fill) goes to the irrelevant part, the relevant part getting 0 there, and the mask is
 * recorded for a Softmax that follows (see softmax).
 */
export const where: PairRule = (node, inputs, builder) => {
  const [condition, onTrue, onFalse] = inputs;
  if (isPair(condition)) throw new UnsupportedForm('its condition depends on the model input');
  const select = (a: string, b: string): string => builder.op('Where', [condition as string, a, b]);
  if (isPair(onTrue) && isPair(onFalse)) return [{ rel: select(onTrue.rel, onFalse.rel), irrel: select(onTrue.irrel, onFalse.irrel) }];
  const zero = builder.floatConstant([0]);
  if (isPair(onTrue)) {
    const fill = onFalse as string;
    return [{ rel: select(onTrue.rel, zero), irrel: select(onTrue.irrel, fill), unmasked: chainMask(onTrue, (w) => select(w, fill)) }];
  }
  const fill = onTrue as string;
  const data = onFalse as Pair;
  return [{ rel: select(zero, data.rel), irrel: select(fill, data.irrel), unmasked: chainMask(data, (w) => select(fill, w)) }];
};

/**
 * MatMul and two-operand Einsum: linear in one decomposed operand (each part), and a product of
 * two (attention scores q·kᵀ, probabilities·values) by the CD product rule (gatedProduct).
 */
export const contraction: PairRule = (node, inputs, builder) => {
  if (inputs.length === 1) return eachPart(builder, node, firstPairOnly(node, inputs), 0);
  if (inputs.length !== 2) throw new UnsupportedForm(`it has ${inputs.length} operands; the rule covers one or two`);
  const [a, b] = inputs;
  if (isPair(a) && isPair(b)) return [gatedProduct(builder, node, a, b)];
  return isPair(a) ? eachPart(builder, node, a, 0) : eachPart(builder, node, b as Pair, 1);
};
