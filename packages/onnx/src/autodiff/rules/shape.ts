import { checkConstantSize } from '../../graph/builder.js';
import { intsAttribute } from '../../graph/attributes.js';
import { DataType } from '../../proto/tensor.js';
import { dropAttributes } from './legacy.js';
import { normalizeAxis, outputGrad, type GradientRule } from './rule.js';

/** Ops that only change the shape: the gradient is g reshaped to the input's shape. */
function reshapeLike(opType: string, since: number): GradientRule {
  return {
    opType,
    since,
    differentiable: [0],
    gradient(node, grads, b) {
      return [b.reshapeLike(outputGrad(node, grads), node.input(0))];
    },
  };
}

export const flatten = reshapeLike('Flatten', 1);
export const reshape: GradientRule = {
  ...reshapeLike('Reshape', 5),
  // Before opset 5, the target shape is an attribute.
  legacy(node, upgrade) {
    const shape = intsAttribute(node, 'shape');
    if (upgrade.version < 5 && shape) node.input = [node.input?.[0] ?? '', upgrade.constant('shape', [shape.length], DataType.INT64, shape)];
    dropAttributes(node, 'shape', 'consumed_inputs');
  },
};
export const squeeze = reshapeLike('Squeeze', 1);
export const unsqueeze = reshapeLike('Unsqueeze', 1);

export const transpose: GradientRule = {
  opType: 'Transpose',
  since: 1,
  differentiable: [0],
  // NHWC inputs (models from TensorFlow) start with one; the batch axis must stay first.
  affine: { in: (node) => intsAttribute(node, 'perm')?.[0] === 0, reshapes: true },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const rank = b.rank(node.input(0));
    const perm = node.ints('perm') ?? [...Array(rank).keys()].reverse();
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => (inverse[normalizeAxis(node, p, rank)] = i));
    return [b.op('Transpose', [g], { perm: { ints: inverse } })];
  },
};

export const expand: GradientRule = {
  opType: 'Expand',
  since: 8,
  differentiable: [0],
  gradient(node, grads, b) {
    return [b.unbroadcastLike(outputGrad(node, grads), node.output(0), node.input(0))];
  },
};

/** Output position o along an axis reads input o mod d, so each axis is a fixed 0/1 map. */
export const tile: GradientRule = {
  opType: 'Tile',
  since: 6,
  differentiable: [0],
  gradient(node, grads, b) {
    let g = outputGrad(node, grads);
    const inShape = b.shape(node.input(0));
    let shape = [...b.shape(node.output(0))];
    inShape.forEach((d, axis) => {
      const out = shape[axis] as number;
      if (out === d) return;
      checkConstantSize([out, d]);
      const weights = new Float32Array(out * d);
      for (let o = 0; o < out; o++) weights[o * d + (o % d)] = 1;
      g = b.axisAdjoint(g, shape, axis, weights, d);
      shape = shape.map((s, i) => (i === axis ? d : s));
    });
    return [g];
  },
};

export const shapeRules: readonly GradientRule[] = [flatten, reshape, squeeze, unsqueeze, transpose, expand, tile];
