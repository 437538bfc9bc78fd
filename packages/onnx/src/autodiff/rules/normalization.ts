import type { GraphBuilder } from '../../graph/builder.js';
import { intAttribute } from '../../graph/attributes.js';
import { dropTestAttributes } from './legacy.js';
import { normalizeAxis, outputGrad, UnsupportedForm, type GradientRule } from './rule.js';

/** Inference BatchNormalization is affine per channel: dX = g · scale / √(var + ε). */
export const batchNormalization: GradientRule = {
  opType: 'BatchNormalization',
  since: 1,
  differentiable: [0],
  legacy: dropTestAttributes,
  affine: { in: (node, index) => index === 0 && intAttribute(node, 'training_mode', 0) === 0, weights: true },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    if (node.int('training_mode', 0) === 1 || grads.slice(1).some((x) => x)) {
      throw new UnsupportedForm('training mode');
    }
    const xShape = b.shape(node.input(0));
    const channels = xShape[1] ?? 1;
    const [scale, variance] = [node.input(1), node.input(4)];
    const stddev = b.op('Sqrt', [b.add(variance, b.floatConstant([node.float('epsilon', 1e-5)]))]);
    const factor = b.reshape(b.div(scale, stddev), [channels, ...new Array<number>(Math.max(0, xShape.length - 2)).fill(1)]);
    return [b.mul(g, factor)];
  },
};

/**
 * Backward of y = γ·x̂ + β with x̂ = (x − μ)/σ over `axes`:
 * dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = g·γ. μ and σ are recomputed from x.
 */
function normalizedGradient(b: GraphBuilder, x: string, g: string, gamma: string, axes: readonly number[], epsilon: number): string {
  const mean = b.reduceMean(x, axes, true);
  const centered = b.sub(x, mean);
  const variance = b.reduceMean(b.mul(centered, centered), axes, true);
  const inverseStd = b.op('Reciprocal', [b.op('Sqrt', [b.add(variance, b.floatConstant([epsilon]))])]);
  const normalized = b.mul(centered, inverseStd);
  const gHat = b.mul(g, gamma);
  const meanG = b.reduceMean(gHat, axes, true);
  const meanGX = b.reduceMean(b.mul(gHat, normalized), axes, true);
  return b.mul(inverseStd, b.sub(b.sub(gHat, meanG), b.mul(normalized, meanGX)));
}

export const instanceNormalization: GradientRule = {
  opType: 'InstanceNormalization',
  since: 1,
  differentiable: [0],
  legacy: dropTestAttributes,
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const x = node.input(0);
    const xShape = b.shape(x);
    const axes = Array.from({ length: xShape.length - 2 }, (_, i) => i + 2);
    const gamma = b.reshape(node.input(1), [xShape[1] as number, ...axes.map(() => 1)]);
    return [normalizedGradient(b, x, g, gamma, axes, node.float('epsilon', 1e-5))];
  },
};

export const layerNormalization: GradientRule = {
  opType: 'LayerNormalization',
  // Standard from opset 17; below it onnxruntime registers the same op as a contrib op of the
  // default domain, which its optimizer writes into models of opset 13 and 14.
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    if (grads.slice(1).some((x) => x)) throw new UnsupportedForm('gradient of the Mean or InvStdDev output');
    const x = node.input(0);
    const rank = b.rank(x);
    const axis = normalizeAxis(node, node.int('axis', -1), rank);
    const axes = Array.from({ length: rank - axis }, (_, i) => i + axis);
    return [normalizedGradient(b, x, g, node.input(1), axes, node.float('epsilon', 1e-5))];
  },
};

/**
 * x is normalized over each group of C/G channels (and the spatial axes) per instance. The scale
 * is per group at opset 18 (deprecated by 21) and per channel from opset 21.
 */
export const groupNormalization: GradientRule = {
  opType: 'GroupNormalization',
  since: 18,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const x = node.input(0);
    const xShape = b.shape(x);
    const [n, channels] = [xShape[0] as number, xShape[1] as number];
    const groups = node.int('num_groups', 0);
    if (!Number.isInteger(groups) || groups < 1 || channels % groups !== 0) throw node.invalid(`num_groups ${groups} does not divide the ${channels} channels`);
    const grouped = [n, groups, xShape.slice(1).reduce((a, d) => a * d, 1) / groups];
    const spatialOnes = xShape.slice(2).map(() => 1);
    const perChannel = node.opset >= 21;
    const scaled = perChannel ? b.reshape(b.mul(g, b.reshape(node.input(1), [channels, ...spatialOnes])), grouped) : b.reshape(g, grouped);
    const gamma = perChannel ? b.floatConstant([1]) : b.reshape(node.input(1), [groups, 1]);
    return [b.reshape(normalizedGradient(b, b.reshape(x, grouped), scaled, gamma, [2], node.float('epsilon', 1e-5)), xShape)];
  },
};

export const normalizationRules: readonly GradientRule[] = [batchNormalization, instanceNormalization, layerNormalization, groupNormalization];
