import type { GraphBuilder } from '../../graph/builder.js';
import { outputGrad, type GradientRule, type NodeView } from './rule.js';

/**
 * DepthToSpace and SpaceToDepth are a reshape to rank 6, a transpose and a reshape back (the
 * ONNX spec's own definition), so the gradient is the inverse chain: g reshaped to the
 * transposed rank-6 shape, transposed back, reshaped to the input's shape.
 */
interface Rearrangement {
  /** The rank-6 shape the input is reshaped to. */
  readonly split: readonly number[];
  readonly perm: readonly number[];
}

function rearrangementRule(opType: string, since: number, plan: (node: NodeView, shape: readonly number[]) => Rearrangement): GradientRule {
  return {
    opType,
    since,
    differentiable: [0],
    gradient(node, grads, b: GraphBuilder) {
      const g = outputGrad(node, grads);
      const xShape = b.shape(node.input(0));
      if (xShape.length !== 4) throw node.invalid(`input "${node.input(0)}" has rank ${xShape.length}; the op takes rank 4 (N, C, H, W)`);
      const blockSize = node.int('blocksize', 0);
      if (!Number.isInteger(blockSize) || blockSize < 1) throw node.invalid(`blocksize ${blockSize} must be a positive integer`);
      const { split, perm } = plan(node, xShape);
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => (inverse[p] = i));
      const transposed = b.reshape(
        g,
        perm.map((p) => split[p] as number),
      );
      return [b.reshape(b.transpose(transposed, inverse), xShape)];
    },
  };
}

function divisible(node: NodeView, what: string, size: number, by: number): number {
  if (size % by !== 0) throw node.invalid(`${what} ${size} is not divisible by ${by}`);
  return size / by;
}

export const depthToSpace = rearrangementRule('DepthToSpace', 1, (node, [n, c, h, w]) => {
  const s = node.int('blocksize', 0);
  const depth = divisible(node, 'channel count', c as number, s * s);
  // DCR: the block offsets come first in the channel axis; CRD (opset 11): the channels first.
  return node.string('mode', 'DCR') === 'CRD'
    ? { split: [n as number, depth, s, s, h as number, w as number], perm: [0, 1, 4, 2, 5, 3] }
    : { split: [n as number, s, s, depth, h as number, w as number], perm: [0, 3, 4, 1, 5, 2] };
});

export const spaceToDepth = rearrangementRule('SpaceToDepth', 1, (node, [n, c, h, w]) => {
  const s = node.int('blocksize', 0);
  const rows = divisible(node, 'height', h as number, s);
  const columns = divisible(node, 'width', w as number, s);
  return { split: [n as number, c as number, rows, s, columns, s], perm: [0, 3, 5, 1, 2, 4] };
});

export const depthSpaceRules: readonly GradientRule[] = [depthToSpace, spaceToDepth];
