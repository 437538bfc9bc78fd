import type { GraphBuilder } from '../../graph/builder.js';
import { intAttribute } from '../../graph/attributes.js';
import { outputGrad, type GradientRule } from './rule.js';
import { legacyBroadcast } from './legacy.js';

function swapLastTwo(b: GraphBuilder, x: string, rank: number): string {
  const perm = [...Array(rank).keys()];
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return b.transpose(x, perm);
}

/**
 * dA when A's shape is only known at run time (a dynamic batch) and B's is static: g·Bᵀ, with
 * NumPy's promotion of a 1-D A happening inside MatMul; a 1-D B makes it the outer product.
 */
function matMulInputGradient(b: GraphBuilder, g: string, w: string, a: string, y: string): string {
  const wShape = b.shape(w);
  const product =
    wShape.length === 1
      ? b.op('MatMul', [b.unsqueeze(g, [-1]), b.reshape(w, [1, wShape[0] as number])])
      : b.op('MatMul', [g, swapLastTwo(b, w, wShape.length)]);
  return wShape.length === 1 ? b.reshapeLike(product, a) : b.unbroadcastLike(product, y, a);
}

/**
 * NumPy matmul: 1-D operands are promoted to matrices ([k] → [1,k] on the left, [k,1] on the
 * right) and batch axes broadcast; each gradient is reduced back to its operand's shape.
 */
export const matMul: GradientRule = {
  opType: 'MatMul',
  since: 1,
  differentiable: [0, 1],
  affine: { in: (_node, index) => index === 0, weights: true, maxConstantRank: 2, heavy: true },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const [a, w] = [node.input(0), node.input(1)];
    if (!b.hasShape(a) && b.hasShape(w) && !node.needsGradient(1)) return [matMulInputGradient(b, g, w, a, node.output(0)), null];
    const aShape = b.shape(a);
    const wShape = b.shape(w);
    const a2Shape = aShape.length === 1 ? [1, aShape[0] as number] : aShape;
    const w2Shape = wShape.length === 1 ? [wShape[0] as number, 1] : wShape;
    const a2 = aShape.length === 1 ? b.reshape(a, a2Shape) : a;
    const w2 = wShape.length === 1 ? b.reshape(w, w2Shape) : w;
    const batchRank = Math.max(a2Shape.length, w2Shape.length) - 2;
    const batch: number[] = [];
    for (let i = 0; i < batchRank; i++) {
      const da = a2Shape[a2Shape.length - 2 - batchRank + i] ?? 1;
      const dw = w2Shape[w2Shape.length - 2 - batchRank + i] ?? 1;
      batch.push(da === 1 ? dw : da);
    }
    const yShape = [...batch, a2Shape[a2Shape.length - 2] as number, w2Shape[w2Shape.length - 1] as number];
    const g2 = b.reshape(g, yShape);
    let ga: string | null = null;
    let gw: string | null = null;
    if (node.needsGradient(0)) {
      const full = b.op('MatMul', [g2, swapLastTwo(b, w2, w2Shape.length)]);
      const aFull = [...batch, a2Shape[a2Shape.length - 2] as number, a2Shape[a2Shape.length - 1] as number];
      ga = b.reshape(b.unbroadcast(full, aFull, a2Shape), aShape);
    }
    if (node.needsGradient(1)) {
      const full = b.op('MatMul', [swapLastTwo(b, a2, a2Shape.length), g2]);
      const wFull = [...batch, w2Shape[w2Shape.length - 2] as number, w2Shape[w2Shape.length - 1] as number];
      gw = b.reshape(b.unbroadcast(full, wFull, w2Shape), wShape);
    }
    return [ga, gw];
  },
};

/** Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A and B' likewise. */
export const gemm: GradientRule = {
  opType: 'Gemm',
  since: 7,
  differentiable: [0, 1, 2],
  legacy: legacyBroadcast,
  affine: { in: (node, index) => index === 0 && intAttribute(node, 'transA', 0) === 0, weights: true, heavy: true },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const [a, w, c] = [node.input(0), node.input(1), node.input(2)];
    const alpha = node.float('alpha', 1);
    const beta = node.float('beta', 1);
    const transA = node.int('transA', 0) === 1;
    const transB = node.int('transB', 0) === 1;
    let ga: string | null = null;
    let gw: string | null = null;
    if (node.needsGradient(0)) {
      // dA' = α·g·B'ᵀ.
      const prime = b.op('Gemm', [g, w], { alpha: { float: alpha }, transB: { int: transB ? 0 : 1 } });
      ga = transA ? b.op('Transpose', [prime], { perm: { ints: [1, 0] } }) : prime;
    }
    if (node.needsGradient(1)) {
      // dB' = α·A'ᵀ·g.
      const prime = b.op('Gemm', [a, g], { alpha: { float: alpha }, transA: { int: transA ? 0 : 1 } });
      gw = transB ? b.op('Transpose', [prime], { perm: { ints: [1, 0] } }) : prime;
    }
    const gc = c && node.needsGradient(2) ? b.unbroadcastLike(b.scale(g, beta), node.output(0), c) : null;
    return [ga, gw, gc];
  },
};

export const linearRules: readonly GradientRule[] = [matMul, gemm];
