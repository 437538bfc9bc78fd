import type { GraphBuilder } from '../../graph/builder.js';
import { normalizeAxis, outputGrad, type GradientRule, type NodeView } from './rule.js';

interface Reduction {
  /** Normalized reduced axes; empty when the op is the identity (noop_with_empty_axes). */
  readonly axes: readonly number[];
  readonly xShape: readonly number[];
  /** The output's shape with reduced axes kept as 1. */
  readonly keptShape: readonly number[];
  /** g reshaped to keptShape, so it broadcasts against x. */
  readonly gKept: string;
  /** y reshaped to keptShape. */
  readonly yKept: string;
  readonly count: number;
}

function reduction(node: NodeView, g: string, b: GraphBuilder): Reduction {
  const x = node.input(0);
  const xShape = b.shape(x);
  const rank = xShape.length;
  // ReduceSum moved axes to an input in opset 13, the other reductions in opset 18.
  const axesFromInput = node.opType === 'ReduceSum' ? node.opset >= 13 : node.opset >= 18;
  const raw = axesFromInput ? (node.input(1) ? b.constantValues(node.input(1)) : []) : (node.ints('axes') ?? []);
  const noop = raw.length === 0 && node.int('noop_with_empty_axes', 0) === 1;
  const axes = noop ? [] : raw.length === 0 ? [...Array(rank).keys()] : raw.map((a) => normalizeAxis(node, a, rank));
  const keptShape = xShape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keep = node.int('keepdims', 1) === 1;
  const gKept = keep ? g : b.reshape(g, keptShape);
  const y = node.output(0);
  const yKept = keep ? y : b.reshape(y, keptShape);
  const count = axes.reduce((n, a) => n * (xShape[a] as number), 1);
  return { axes, xShape, keptShape, gKept, yKept, count };
}

/**
 * y_i sums x over j ≤ i (j < i when exclusive; ≥ and > when reverse), so x_j's gradient sums g
 * over the i that read it: the same cumulative sum in the other direction.
 */
export const cumSum: GradientRule = {
  opType: 'CumSum',
  since: 11,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const reverse = node.int('reverse', 0) === 1 ? 0 : 1;
    return [b.op('CumSum', [g, node.input(1)], { exclusive: { int: node.int('exclusive', 0) }, reverse: { int: reverse } }), null];
  },
};

function reduceRule(opType: string, local: (r: Reduction, x: string, b: GraphBuilder) => string): GradientRule {
  return {
    opType,
    since: 1,
    differentiable: [0],
    gradient(node, grads, b) {
      const r = reduction(node, outputGrad(node, grads), b);
      if (r.axes.length === 0) return [r.gKept];
      return [local(r, node.input(0), b)];
    },
  };
}

export const reduceSum = reduceRule('ReduceSum', (r, _x, b) => b.expand(r.gKept, r.xShape));
export const reduceMean = reduceRule('ReduceMean', (r, _x, b) => b.expand(b.scale(r.gKept, 1 / r.count), r.xShape));
export const reduceSumSquare = reduceRule('ReduceSumSquare', (r, x, b) => b.mul(b.scale(r.gKept, 2), x));
// At a zero norm x/‖x‖ is 0/0; the gradient there is 0, as PyTorch's vector_norm gives (the
// divisor becomes 1 where the norm is 0, and every x of that slice is 0).
export const reduceL2 = reduceRule('ReduceL2', (r, x, b) => {
  const isZero = b.toFloat(b.op('Equal', [r.yKept, b.floatConstant([0])]));
  return b.mul(r.gKept, b.div(x, b.add(r.yKept, isZero)));
});
export const reduceLogSumExp = reduceRule('ReduceLogSumExp', (r, x, b) => b.mul(r.gKept, b.op('Exp', [b.sub(x, r.yKept)])));

// sign(x) with sign(0) = 0, as PyTorch's L1 norm; built from Where (see the Abs rule).
export const reduceL1 = reduceRule('ReduceL1', (r, x, b) => {
  const zero = b.floatConstant([0]);
  return b.op('Where', [b.op('Greater', [x, zero]), r.gKept, b.op('Where', [b.op('Less', [x, zero]), b.neg(r.gKept), zero])]);
});
export const reduceLogSum = reduceRule('ReduceLogSum', (r, x, b) => b.expand(b.div(r.gKept, b.reduceSum(x, r.axes, true)), r.xShape));

/**
 * ∂y/∂x_j is the product of the other elements of x_j's slice. Dividing y by x_j fails at zeros,
 * so, with P the product of the slice's nonzero elements and z its count of zeros: P/x_j at a
 * nonzero x_j when z = 0; P at the zero when z = 1; 0 everywhere else.
 */
export const reduceProd = reduceRule('ReduceProd', (r, x, b) => {
  const zero = b.floatConstant([0]);
  const isZero = b.op('Equal', [x, zero]);
  const nonzero = b.op('Where', [isZero, b.floatConstant([1]), x]);
  const keep = { keepdims: { int: 1 } };
  const product =
    b.opset >= 18 ? b.op('ReduceProd', [nonzero, b.int64Constant(r.axes)], keep) : b.op('ReduceProd', [nonzero], { ...keep, axes: { ints: r.axes } });
  const zeros = b.reduceSum(b.toFloat(isZero), r.axes, true);
  const atZero = b.op('Where', [b.op('Equal', [zeros, b.floatConstant([1])]), product, zero]);
  const elsewhere = b.op('Where', [b.op('Equal', [zeros, zero]), b.div(product, nonzero), zero]);
  return b.mul(r.gKept, b.op('Where', [isZero, atZero, elsewhere]));
});

/** The gradient is shared equally among the elements that attain the extreme (torch.amax's rule). */
function extreme(opType: string): GradientRule {
  return reduceRule(opType, (r, x, b) => {
    const mask = b.toFloat(b.op('Equal', [x, r.yKept]));
    return b.mul(b.div(r.gKept, b.reduceSum(mask, r.axes, true)), mask);
  });
}

export const reduceMax = extreme('ReduceMax');
export const reduceMin = extreme('ReduceMin');

export const reduceRules: readonly GradientRule[] = [
  reduceSum,
  reduceMean,
  reduceSumSquare,
  reduceL2,
  reduceLogSumExp,
  reduceMax,
  reduceMin,
  reduceL1,
  reduceLogSum,
  reduceProd,
  cumSum,
];
