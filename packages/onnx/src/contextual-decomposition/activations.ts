import type { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { floatAttribute, stringAttribute } from '../graph/attributes.js';
import { cloneNode, isPair, type Carried, type Pair } from './pair.js';

/** What a rule of this file needs of its node's inputs: the first a pair, the others constant. */
function dataPair(node: onnx.INodeProto, inputs: readonly Carried[]): Pair {
  const first = inputs[0];
  if (!isPair(first)) throw new UnsupportedForm('only its first input may depend on the model input');
  const dependent = inputs.slice(1).findIndex(isPair);
  if (dependent >= 0) throw new UnsupportedForm(`input ${dependent + 1} ("${node.input?.[dependent + 1] ?? ''}") depends on the model input; only input 0 may`);
  return first;
}

/** HardSigmoid's value at 0, max(0, min(1, beta)) (ONNX's default beta 0.5). */
function hardSigmoidAtZero(node: onnx.INodeProto): number {
  return Math.max(0, Math.min(1, floatAttribute(node, 'beta', 0.5)));
}

/**
 * The linearised (Shapley) split of the CD paper for a nonlinearity f of two parts:
 * rel' = ½[(f(r) − f(0)) + (f(r + i) − f(i))], irrel' = f(r + i) − rel'. The irrelevant part
 * holds f(0): a number is recorded as the pair's constant for a product that follows (see
 * gatedProduct); a tensor (a quantizer's zero point, f at a tensor of zeros) is not. `whole` is
 * f(r + i) where the model computes it itself.
 */
export function shapleySplit(
  builder: GraphBuilder,
  data: Pair,
  f: (x: string) => string,
  atZero: number | string,
  whole = f(builder.add(data.rel, data.irrel)),
): Pair {
  const relAlone = atZero === 0 ? f(data.rel) : builder.sub(f(data.rel), typeof atZero === 'number' ? builder.floatConstant([atZero]) : atZero);
  const rel = builder.scale(builder.add(relAlone, builder.sub(whole, f(data.irrel))), 0.5);
  const irrel = builder.sub(whole, rel);
  return typeof atZero === 'string' || atZero === 0 ? { rel, irrel } : { rel, irrel, constant: atZero };
}

/** f(0) of the activations split by smoothSplit whose value at 0 is not 0. */
const VALUE_AT_ZERO: Readonly<Record<string, (node: onnx.INodeProto) => number>> = {
  Sigmoid: () => 0.5,
  HardSigmoid: hardSigmoidAtZero,
  Softplus: () => Math.LN2,
};

/**
 * Tanh, Sigmoid, Erf, HardSigmoid, and the smooth activations the CD paper and `acd` leave
 * unnamed (Elu, Selu, Celu, Softplus, Softsign, Mish): the Shapley split of
 * shapleySplit, which the paper gives for every nonlinearity of a sum.
 */
export const smoothSplit = (node: onnx.INodeProto, inputs: readonly Carried[], builder: GraphBuilder): Carried[] => {
  const data = dataPair(node, inputs);
  const f = (x: string): string => cloneNode(builder, node, [x])[0] as string;
  return [shapleySplit(builder, data, f, VALUE_AT_ZERO[node.opType ?? '']?.(node) ?? 0)];
};

/**
 * The product a·b of two pairs as the CD paper multiplies an LSTM's gate and candidate:
 * with cₐ, c_b the constants the pairs' irrelevant parts hold (0 where none),
 * rel' = (aᵣ + cₐ)(bᵣ + c_b) − cₐ·c_b (relevant·relevant and constant·relevant terms), and
 * irrel' = a·b − rel' (every term with an irrelevant factor, and constant·constant). The node
 * is cloned for each product, so Mul, MatMul and Einsum share the rule; for a contraction the
 * constants are broadcast to their operands' shapes before cₐ·c_b.
 */
export function gatedProduct(builder: GraphBuilder, node: onnx.INodeProto, a: Pair, b: Pair): Pair {
  const product = (x: string, y: string): string => cloneNode(builder, node, [x, y])[0] as string;
  const constantOf = (c: number | string): string => (typeof c === 'number' ? builder.floatConstant([c]) : c);
  const withConstant = (p: Pair): string => (p.constant === undefined ? p.rel : builder.add(p.rel, constantOf(p.constant)));
  let rel = product(withConstant(a), withConstant(b));
  if (a.constant !== undefined && b.constant !== undefined) {
    const both =
      node.opType === 'Mul' && typeof a.constant === 'number' && typeof b.constant === 'number'
        ? builder.floatConstant([a.constant * b.constant])
        : product(builder.expandLike(constantOf(a.constant), a.rel), builder.expandLike(constantOf(b.constant), b.rel));
    rel = builder.sub(rel, both);
  }
  const whole = product(builder.add(a.rel, a.irrel), builder.add(b.rel, b.irrel));
  return { rel, irrel: builder.sub(whole, rel) };
}

/**
 * HardSwish(x) = x·HardSigmoid(x) (alpha 1/6, beta ½): the gate split as HardSigmoid and
 * multiplied with x as gatedProduct, which is how the same function exported as HardSigmoid
 * and Mul (opsets before 14) is decomposed.
 */
export const hardSwish = (node: onnx.INodeProto, inputs: readonly Carried[], builder: GraphBuilder): Carried[] => {
  const data = dataPair(node, inputs);
  const gate = shapleySplit(builder, data, (x) => builder.op('HardSigmoid', [x], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }), 0.5);
  return [gatedProduct(builder, { ...node, opType: 'Mul', attribute: [] }, data, gate)];
};

/** Φ(x), the standard normal CDF (or, for approximate "tanh", ½(1 + tanh(√(2/π)(x + 0.044715x³)))). */
function normalCdf(builder: GraphBuilder, x: string, approximate: string): string {
  const inner =
    approximate === 'tanh'
      ? builder.op('Tanh', [builder.scale(builder.add(x, builder.scale(builder.mul(x, builder.mul(x, x)), 0.044715)), Math.sqrt(2 / Math.PI))])
      : builder.op('Erf', [builder.scale(x, Math.SQRT1_2)]);
  return builder.scale(builder.add(inner, builder.floatConstant([1])), 0.5);
}

/**
 * Gelu (opset 20), x·Φ(x): the gate Φ split as Tanh is (its value at 0, ½, held by the
 * irrelevant part) and multiplied with x by gatedProduct, as HardSwish is.
 */
export const gelu = (node: onnx.INodeProto, inputs: readonly Carried[], builder: GraphBuilder): Carried[] => {
  const data = dataPair(node, inputs);
  const approximate = stringAttribute(node, 'approximate', 'none');
  const gate = shapleySplit(builder, data, (x) => normalCdf(builder, x, approximate), 0.5);
  return [gatedProduct(builder, { ...node, opType: 'Mul', attribute: [] }, data, gate)];
};

/**
 * Relu, Clip (ReLU6), LeakyRelu, PRelu, ThresholdedRelu: `acd`'s rule for the ReLU family,
 * rel' = f(r), irrel' = f(r + i) − f(r) (acd applies propagate_relu to every module whose type
 * name holds "ReLU": ReLU6, LeakyReLU and PReLU included). PRelu's slope is its second, constant input.
 */
export const reluFamily = (node: onnx.INodeProto, inputs: readonly Carried[], builder: GraphBuilder): Carried[] => {
  const data = dataPair(node, inputs);
  const rest = (node.input ?? []).slice(1);
  const f = (x: string): string => cloneNode(builder, node, [x, ...rest])[0] as string;
  const rel = f(data.rel);
  return [{ rel, irrel: builder.sub(f(builder.add(data.rel, data.irrel)), rel) }];
};
