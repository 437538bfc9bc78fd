import type { GraphBuilder } from '../../graph/builder.js';
import { normalizeAxis, outputGrad, type GradientRule, type NodeView } from './rule.js';

/**
 * Before opset 13 the op flattens the axes from `axis` on into one (which needs the rank); from
 * 13 it uses one axis, which ReduceSum takes as it is, negative or not.
 */
function softmaxAxes(node: NodeView, b: GraphBuilder): number[] {
  if (node.opset < 13) {
    const rank = b.rank(node.output(0));
    const axis = normalizeAxis(node, node.int('axis', 1), rank);
    return [...Array(rank).keys()].slice(axis);
  }
  return [node.int('axis', -1)];
}

// dx = y ⊙ (g − Σ g⊙y).
export const softmax: GradientRule = {
  opType: 'Softmax',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const y = node.output(0);
    const axes = softmaxAxes(node, b);
    const dot = b.reduceSum(b.mul(g, y), axes, true);
    return [b.mul(y, b.sub(g, dot))];
  },
};

// dx = g − softmax ⊙ Σ g.
export const logSoftmax: GradientRule = {
  opType: 'LogSoftmax',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const y = node.output(0);
    const axes = softmaxAxes(node, b);
    return [b.sub(g, b.mul(b.op('Exp', [y]), b.reduceSum(g, axes, true)))];
  },
};

export const softmaxRules: readonly GradientRule[] = [softmax, logSoftmax];
