import type { GraphBuilder } from '../../graph/builder.js';
import { DataType, isFloatType } from '../../proto/tensor.js';
import { legacyBroadcast } from './legacy.js';
import { outputGrad, withAffine, type GradientRule, type NodeView } from './rule.js';

type BinaryGradient = (g: string, a: string, b: string, y: string, builder: GraphBuilder, node: NodeView) => [() => string, () => string];

/** An element-wise op with NumPy broadcasting: each operand's gradient is summed back to its shape. */
function binary(opType: string, local: BinaryGradient): GradientRule {
  return {
    opType,
    since: 7,
    differentiable: [0, 1],
    // All of them broadcast the legacy way before opset 7 (Add, Sub, Mul, Div, Pow).
    legacy: legacyBroadcast,
    gradient(node, grads, builder) {
      const g = outputGrad(node, grads);
      const [a, b, y] = [node.input(0), node.input(1), node.output(0)];
      const [ga, gb] = local(g, a, b, y, builder, node);
      return [node.needsGradient(0) ? builder.unbroadcastLike(ga(), y, a) : null, node.needsGradient(1) ? builder.unbroadcastLike(gb(), y, b) : null];
    },
  };
}

/** A float view of a tensor that may be an integer exponent. */
function asFloat(builder: GraphBuilder, name: string): string {
  const type = builder.knownDataType(name);
  return type !== undefined && !isFloatType(type) ? builder.op('Cast', [name], { to: { int: DataType.FLOAT } }) : name;
}

export const add = withAffine(
  binary('Add', (g) => [() => g, () => g]),
  { in: () => true },
);

export const sub = withAffine(
  binary('Sub', (g, _a, _b, _y, builder) => [() => g, () => builder.neg(g)]),
  { in: () => true },
);

export const mul = withAffine(
  binary('Mul', (g, a, b, _y, builder) => [() => builder.mul(g, b), () => builder.mul(g, a)]),
  { in: () => true },
);

// d(a/b)/da = 1/b; d(a/b)/db = −y/b.
export const div = withAffine(
  binary('Div', (g, _a, b, y, builder) => [() => builder.div(g, b), () => builder.neg(builder.div(builder.mul(g, y), b))]),
  { in: (_node, index) => index === 0 },
);

// d(a^b)/da = b·a^(b−1); d(a^b)/db = y·ln a.
export const pow = binary('Pow', (g, a, b, y, builder) => [
  () => {
    const exponent = asFloat(builder, b);
    const lowered = builder.op('Pow', [a, builder.sub(exponent, builder.floatConstant([1]))]);
    return builder.mul(g, builder.mul(exponent, lowered));
  },
  () => builder.mul(g, builder.mul(y, builder.op('Log', [a]))),
]);

function variadic(opType: 'Sum' | 'Mean'): GradientRule {
  return {
    opType,
    since: 8,
    differentiable: 'all',
    gradient(node, grads, builder) {
      const g = outputGrad(node, grads);
      const scaled = opType === 'Mean' ? builder.scale(g, 1 / node.inputCount) : g;
      return Array.from({ length: node.inputCount }, (_, i) => (node.needsGradient(i) ? builder.unbroadcastLike(scaled, node.output(0), node.input(i)) : null));
    },
  };
}

export const sum = variadic('Sum');
export const mean = variadic('Mean');

export const where: GradientRule = {
  opType: 'Where',
  since: 9,
  differentiable: [1, 2],
  gradient(node, grads, builder) {
    const g = outputGrad(node, grads);
    const [condition, x, y] = [node.input(0), node.input(1), node.input(2)];
    const zero = builder.floatConstant([0]);
    const out = node.output(0);
    return [
      null,
      node.needsGradient(1) ? builder.unbroadcastLike(builder.op('Where', [condition, g, zero]), out, x) : null,
      node.needsGradient(2) ? builder.unbroadcastLike(builder.op('Where', [condition, zero, g]), out, y) : null,
    ];
  },
};

/** The gradient is split evenly among the inputs that attain the extreme (torch.maximum's rule). */
function extreme(opType: 'Max' | 'Min'): GradientRule {
  return {
    opType,
    since: 8,
    differentiable: 'all',
    gradient(node, grads, builder) {
      const g = outputGrad(node, grads);
      const y = node.output(0);
      const masks = Array.from({ length: node.inputCount }, (_, i) => builder.toFloat(builder.op('Equal', [node.input(i), y])));
      const share = builder.div(g, builder.sum(masks.map((m) => builder.add(m, builder.zerosLike(y)))));
      return masks.map((mask, i) => (node.needsGradient(i) ? builder.unbroadcastLike(builder.mul(share, mask), y, node.input(i)) : null));
    },
  };
}

export const max = extreme('Max');
export const min = extreme('Min');

export const elementwiseRules: readonly GradientRule[] = [add, sub, mul, div, pow, sum, mean, where, max, min];
