import type { GraphBuilder } from '../../graph/builder.js';
import { outputGrad, type GradientRule } from './rule.js';
import { DataType } from '../../proto/tensor.js';
import { floatAttribute } from '../../graph/attributes.js';
import { UnknownShapeError } from '../../errors.js';
import { dropAttributes } from './legacy.js';
import { unary } from './unary.js';

const k = (builder: GraphBuilder, value: number): string => builder.floatConstant([value]);
const positive = (b: GraphBuilder, x: string): string => b.op('Greater', [x, k(b, 0)]);

// PyTorch conventions at the kinks: relu'(0) = 0, leaky/elu/selu use the negative branch at 0.
// The mask reads y (y > 0 exactly where x > 0), so that x has no reader besides Relu and
// runtimes can fuse Conv+Relu in the forward part of a gradient graph.
export const relu = unary('Relu', 6, (g, _x, y, b) => b.mul(g, b.toFloat(positive(b, y))));

export const leakyRelu = unary('LeakyRelu', 6, (g, x, _y, b, node) => b.op('Where', [positive(b, x), g, b.scale(g, node.float('alpha', 0.01))]));

// Negative branch: y = α(eˣ − 1), so dy/dx = y + α.
export const elu = unary('Elu', 6, (g, x, y, b, node) => b.op('Where', [positive(b, x), g, b.mul(g, b.add(y, k(b, node.float('alpha', 1))))]));

// Negative branch: y = γα(eˣ − 1), so dy/dx = y + γα.
export const selu = unary('Selu', 6, (g, x, y, b, node) => {
  const alpha = node.float('alpha', 1.67326319217681884765625);
  const gamma = node.float('gamma', 1.05070102214813232421875);
  return b.op('Where', [positive(b, x), b.scale(g, gamma), b.mul(g, b.add(y, k(b, alpha * gamma)))]);
});

export const sigmoid = unary('Sigmoid', 6, (g, _x, y, b) => b.mul(g, b.mul(y, b.sub(k(b, 1), y))));
export const tanh = unary('Tanh', 6, (g, _x, y, b) => b.mul(g, b.sub(k(b, 1), b.mul(y, y))));
export const softplus = unary('Softplus', 1, (g, x, _y, b) => b.mul(g, b.op('Sigmoid', [x])));
export const softsign = unary('Softsign', 1, (g, x, _y, b) => {
  const denominator = b.add(k(b, 1), b.op('Abs', [x]));
  return b.div(g, b.mul(denominator, denominator));
});

/** Gradient α where 0 < αx + β < 1 (strictly, as PyTorch's hardsigmoid). */
export const hardSigmoid = unary('HardSigmoid', 6, (g, x, _y, b, node) => {
  const alpha = node.float('alpha', 0.2);
  const z = b.add(b.scale(x, alpha), k(b, node.float('beta', 0.5)));
  const inside = b.bothAsFloat(b.op('Greater', [z, k(b, 0)]), b.op('Less', [z, k(b, 1)]));
  return b.mul(b.scale(g, alpha), inside);
});

/** y = x·clip(x/6 + 1/2, 0, 1): 0 below −3, x/3 + 1/2 on [−3, 3], 1 above (PyTorch's convention). */
export const hardSwish = unary('HardSwish', 14, (g, x, _y, b) => {
  const middle = b.mul(g, b.add(b.scale(x, 1 / 3), k(b, 0.5)));
  const upper = b.op('Where', [b.op('Greater', [x, k(b, 3)]), g, middle]);
  return b.op('Where', [b.op('Less', [x, k(b, -3)]), k(b, 0), upper]);
});

/** Gradient passes where min < x < max strictly (ReLU6: 0 at exactly 0 and 6). */
export const clip: GradientRule = {
  opType: 'Clip',
  since: 6,
  differentiable: [0],
  // Before opset 11, min and max are attributes.
  legacy(node, upgrade) {
    const bound = (name: string): string =>
      (node.attribute ?? []).some((a) => a.name === name) ? upgrade.constant(name, [], DataType.FLOAT, [floatAttribute(node, name, 0)]) : '';
    node.input = [node.input?.[0] ?? '', bound('min'), bound('max')];
    dropAttributes(node, 'min', 'max', 'consumed_inputs');
  },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const x = node.input(0);
    let low: string | undefined;
    let high: string | undefined;
    if (node.opset < 11) {
      if (node.has('min')) low = k(b, node.float('min', 0));
      if (node.has('max')) high = k(b, node.float('max', 0));
    } else {
      low = node.input(1) || undefined;
      high = node.input(2) || undefined;
    }
    const masks: string[] = [];
    if (low) masks.push(b.op('Greater', [x, low]));
    if (high) masks.push(b.op('Less', [x, high]));
    if (masks.length === 0) return [g];
    const inside = masks.length === 2 ? b.bothAsFloat(masks[0] as string, masks[1] as string) : b.toFloat(masks[0] as string);
    return [b.mul(g, inside)];
  },
};

/** slope may broadcast against x; its own gradient is summed back to its shape. */
export const prelu: GradientRule = {
  opType: 'PRelu',
  since: 7,
  differentiable: [0, 1],
  // Before opset 7 a 1-D slope of length C is per channel (axis 1); NumPy rules would align it with the last axis instead.
  legacy(node, upgrade) {
    const [x, slope] = [node.input?.[0] ?? '', node.input?.[1] ?? ''];
    const slopeShape = upgrade.shapes.get(slope);
    if (upgrade.version < 7 && slopeShape?.length === 1 && (slopeShape[0] as number) > 1) {
      const xRank = upgrade.rank(x);
      if (xRank === undefined) throw new UnknownShapeError(x);
      if (xRank > 2) node.input = [x, upgrade.reshape(slope, [slopeShape[0] as number, ...new Array<number>(xRank - 2).fill(1)], 'slope')];
    }
    dropAttributes(node, 'consumed_inputs');
  },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const [x, slope, y] = [node.input(0), node.input(1), node.output(0)];
    const isPositive = positive(b, x);
    const gx = node.needsGradient(0) ? b.unbroadcastLike(b.op('Where', [isPositive, g, b.mul(g, slope)]), y, x) : null;
    const gSlope = node.needsGradient(1) ? b.unbroadcastLike(b.op('Where', [isPositive, k(b, 0), b.mul(g, x)]), y, slope) : null;
    return [gx, gSlope];
  },
};

/** Exact GELU: Φ(x) + x·φ(x); tanh form: the derivative of 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
export const gelu = unary('Gelu', 20, (g, x, _y, b, node) => {
  if (node.string('approximate', 'none') === 'tanh') {
    const c0 = Math.sqrt(2 / Math.PI);
    const x2 = b.mul(x, x);
    const inner = b.scale(b.add(x, b.scale(b.mul(x2, x), 0.044715)), c0);
    const t = b.op('Tanh', [inner]);
    const dInner = b.scale(b.add(k(b, 1), b.scale(x2, 3 * 0.044715)), c0);
    const sech2 = b.sub(k(b, 1), b.mul(t, t));
    const derivative = b.add(b.scale(b.add(k(b, 1), t), 0.5), b.mul(b.scale(x, 0.5), b.mul(sech2, dInner)));
    return b.mul(g, derivative);
  }
  const cdf = b.scale(b.add(k(b, 1), b.op('Erf', [b.scale(x, Math.SQRT1_2)])), 0.5);
  const pdf = b.scale(b.op('Exp', [b.scale(b.mul(x, x), -0.5)]), 1 / Math.sqrt(2 * Math.PI));
  return b.mul(g, b.add(cdf, b.mul(x, pdf)));
});

/** y = x·tanh(softplus(x)): y' = tanh(sp) + x·σ(x)·(1 − tanh²(sp)), since softplus' = σ. */
export const mish = unary('Mish', 18, (g, x, _y, b) => {
  const t = b.op('Tanh', [b.op('Softplus', [x])]);
  const slope = b.mul(b.mul(x, b.op('Sigmoid', [x])), b.sub(k(b, 1), b.mul(t, t)));
  return b.mul(g, b.add(t, slope));
});

// Negative branch (x ≤ 0, as PyTorch's celu): y = α(e^(x/α) − 1), so dy/dx = e^(x/α).
export const celu = unary('Celu', 12, (g, x, _y, b, node) => {
  const alpha = node.float('alpha', 1);
  return b.op('Where', [positive(b, x), g, b.mul(g, b.op('Exp', [b.scale(x, 1 / alpha)]))]);
});

/** Gradient passes where x > α strictly (PyTorch's Threshold: 0 at x = α). */
export const thresholdedRelu = unary('ThresholdedRelu', 10, (g, x, _y, b, node) => b.mul(g, b.toFloat(b.op('Greater', [x, k(b, node.float('alpha', 1))]))));

/** Gradient passes where |x| > λ strictly (PyTorch's hardshrink and softshrink: 0 at ±λ); bias only shifts. */
export const shrink = unary('Shrink', 9, (g, x, _y, b, node) => {
  const lambda = node.float('lambd', 0.5);
  const outside = b.add(b.toFloat(b.op('Greater', [x, k(b, lambda)])), b.toFloat(b.op('Less', [x, k(b, -lambda)])));
  return b.mul(g, outside);
});

/** y = x·σ(αx): y' = σ(αx)·(1 + αx·(1 − σ(αx))). */
export const swish = unary('Swish', 24, (g, x, _y, b, node) => {
  const ax = b.scale(x, node.float('alpha', 1));
  const s = b.op('Sigmoid', [ax]);
  return b.mul(g, b.mul(s, b.add(k(b, 1), b.mul(ax, b.sub(k(b, 1), s)))));
});

export const activationRules: readonly GradientRule[] = [
  relu,
  leakyRelu,
  elu,
  selu,
  sigmoid,
  tanh,
  softplus,
  softsign,
  hardSigmoid,
  hardSwish,
  clip,
  prelu,
  gelu,
  mish,
  celu,
  thresholdedRelu,
  shrink,
  swish,
];
