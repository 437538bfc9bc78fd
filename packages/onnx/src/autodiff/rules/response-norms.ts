import { checkConstantSize } from '../../graph/builder.js';
import { normalizeAxis, outputGrad, type GradientRule } from './rule.js';

/**
 * LRN: y = x·s^(−β), s = bias + (α/size)·Σ_window x² over a window of channels around each one.
 * With W the 0/1 window matrix (s = bias + (α/size)·W x²):
 * dx = g·s^(−β) − (2αβ/size)·x·Wᵀ(g·y/s), since x·s^(−β−1) = y/s.
 */
export const lrn: GradientRule = {
  opType: 'LRN',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const [x, y] = [node.input(0), node.output(0)];
    const shape = b.shape(x);
    const channels = shape[1] as number;
    const size = node.int('size', 0);
    if (!Number.isInteger(size) || size < 1) throw node.invalid(`size ${size} must be a positive integer`);
    const [alpha, beta, bias] = [node.float('alpha', 1e-4), node.float('beta', 0.75), node.float('bias', 1)];
    checkConstantSize([channels, channels]);
    // window[c·C + c'] = 1 when channel c' is in channel c's window [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉].
    const window = new Float32Array(channels * channels);
    const transposed = new Float32Array(channels * channels);
    for (let c = 0; c < channels; c++) {
      for (let other = Math.max(0, c - Math.floor((size - 1) / 2)); other <= Math.min(channels - 1, c + Math.ceil((size - 1) / 2)); other++) {
        window[c * channels + other] = 1;
        transposed[other * channels + c] = 1;
      }
    }
    // axisAdjoint applies the transpose of its matrix: `transposed` gives W·v, `window` Wᵀ·v.
    const windowSum = b.axisAdjoint(b.mul(x, x), shape, 1, transposed, channels);
    const s = b.add(b.floatConstant([bias]), b.scale(windowSum, alpha / size));
    const direct = b.mul(g, b.op('Pow', [s, b.floatConstant([-beta])]));
    const back = b.axisAdjoint(b.div(b.mul(g, y), s), shape, 1, window, channels);
    return [b.sub(direct, b.mul(b.scale(x, (2 * alpha * beta) / size), back))];
  },
};

/**
 * LpNormalization: y = x/n, n = ‖x‖_p along `axis`. p = 2: dx = (g − y·Σ g·y)/n;
 * p = 1: dx = g/n − sign(x)·Σ(g·x)/n². A slice whose norm is 0 has output 0 (the spec, from
 * opset 22) and no derivative; its gradient is 0, as ReduceL2's rule gives there.
 */
export const lpNormalization: GradientRule = {
  opType: 'LpNormalization',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const x = node.input(0);
    const axis = normalizeAxis(node, node.int('axis', -1), b.rank(x));
    const p = node.int('p', 2);
    const zero = b.floatConstant([0]);
    if (p !== 1 && p !== 2) throw node.invalid(`p ${p} must be 1 or 2`);
    const norm = p === 2 ? b.op('Sqrt', [b.reduceSum(b.mul(x, x), [axis], true)]) : b.reduceSum(b.op('Abs', [x]), [axis], true);
    const isZero = b.toFloat(b.op('Equal', [norm, zero]));
    const n = b.add(norm, isZero);
    const nonzero = b.sub(b.floatConstant([1]), isZero);
    if (p === 2) {
      const unit = b.div(x, n);
      return [b.mul(b.div(b.sub(g, b.mul(unit, b.reduceSum(b.mul(g, unit), [axis], true))), n), nonzero)];
    }
    const sign = b.sub(b.toFloat(b.op('Greater', [x, zero])), b.toFloat(b.op('Less', [x, zero])));
    const projection = b.div(b.reduceSum(b.mul(g, x), [axis], true), b.mul(n, n));
    return [b.mul(b.sub(b.div(g, n), b.mul(sign, projection)), nonzero)];
  },
};

export const responseNormRules: readonly GradientRule[] = [lrn, lpNormalization];
