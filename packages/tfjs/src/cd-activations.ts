import * as tf from '@tensorflow/tfjs-core';

/** The relevant and irrelevant parts of a layer's value. */
export type Pair = readonly [tf.Tensor, tf.Tensor];

type Fn = (x: tf.Tensor) => tf.Tensor;

/** `acd`'s rule for the ReLU family (every module whose type name holds "ReLU"): rel' = f(r), irrel' = f(r + i) − f(r). */
export function reluRule(f: Fn, [r, i]: Pair): Pair {
  const rel = f(r);
  return [rel, tf.sub(f(tf.add(r, i)), rel)];
}

/**
 * The CD paper's Shapley split of a nonlinearity of a sum: rel' = ½[(f(r) − f(0)) + (f(r + i) − f(i))],
 * irrel' = f(r + i) − rel', so f(0) stays with the irrelevant part.
 */
export function shapleyRule(f: Fn, atZero: number, [r, i]: Pair): Pair {
  const whole = f(tf.add(r, i));
  const rel = tf.mul(tf.add(tf.sub(f(r), atZero), tf.sub(whole, f(i))), 0.5);
  return [rel, tf.sub(whole, rel)];
}

/**
 * x·g(x) as the ONNX rules split SiLU and Gelu: the gate g by shapleyRule, its value at 0 given
 * back to the relevant side before the product, rel' = (g_rel + g(0))·r, irrel' = x·g(x) − rel'.
 */
export function gatedRule(gate: Fn, atZero: number, pair: Pair): Pair {
  const [r, i] = pair;
  const [gateRel] = shapleyRule(gate, atZero, pair);
  const x = tf.add(r, i);
  const rel = tf.mul(tf.add(gateRel, atZero), r);
  return [rel, tf.sub(tf.mul(x, gate(x)), rel)];
}

const softplus: Fn = (x) => tf.softplus(x);
const normalCdf: Fn = (x) => tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
const tanhCdf: Fn = (x) => tf.mul(0.5, tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));

/** Each tfjs-layers activation (by its serialized name) as the rule of its family, with the function as tfjs-layers computes it. */
const RULES: Readonly<Record<string, (pair: Pair) => Pair>> = {
  linear: (pair) => pair,
  relu: (pair) => reluRule(tf.relu, pair),
  relu6: (pair) => reluRule((x) => tf.minimum(6, tf.relu(x)), pair),
  tanh: (pair) => shapleyRule(tf.tanh, 0, pair),
  sigmoid: (pair) => shapleyRule(tf.sigmoid, 0.5, pair),
  hardSigmoid: (pair) => shapleyRule((x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1), 0.5, pair),
  elu: (pair) => shapleyRule(tf.elu, 0, pair),
  selu: (pair) => shapleyRule(tf.selu, 0, pair),
  softplus: (pair) => shapleyRule(softplus, Math.LN2, pair),
  softsign: (pair) => shapleyRule((x) => tf.div(x, tf.add(1, tf.abs(x))), 0, pair),
  mish: (pair) => shapleyRule((x) => tf.mul(x, tf.tanh(softplus(x))), 0, pair),
  swish: (pair) => gatedRule(tf.sigmoid, 0.5, pair),
  gelu: (pair) => gatedRule(normalCdf, 0.5, pair),
  gelu_new: (pair) => gatedRule(tanhCdf, 0.5, pair),
};

export const DECOMPOSED_ACTIVATIONS: ReadonlySet<string> = new Set(Object.keys(RULES));

/** The decomposition of activation `name` (one of DECOMPOSED_ACTIVATIONS). */
export function activationRule(name: string, pair: Pair): Pair {
  const rule = RULES[name];
  if (rule === undefined) throw new Error(`internal: no contextual-decomposition rule for activation ${name}`);
  return rule(pair);
}

/** ELU with its own alpha, as the ELU layer computes it: x for x > 0, alpha·(eˣ − 1) otherwise. */
export function eluOf(alpha: number): Fn {
  return (x) => tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.sub(tf.exp(x), 1)));
}
