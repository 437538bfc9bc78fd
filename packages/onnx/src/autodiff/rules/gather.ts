import type { GraphBuilder } from '../../graph/builder.js';
import { checkConstantSize } from '../../graph/builder.js';
import { intAttribute } from '../../graph/attributes.js';
import { DataType } from '../../proto/tensor.js';
import { dropAttributes } from './legacy.js';
import { normalizeAxis, outputGrad, type GradientRule } from './rule.js';

/** ScatterElements and ScatterND add up repeated indices (`reduction: 'add'`) from opset 16 on. */
const SCATTER_ADD_OPSET = 16;
const add = { reduction: { string: 'add' } };

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Indices as int64 with negative values (counted from the end) made non-negative. */
function nonNegative(b: GraphBuilder, indices: string, sizes: readonly number[]): string {
  const wide = b.knownDataType(indices) === DataType.INT64 ? indices : b.op('Cast', [indices], { to: { int: DataType.INT64 } });
  const bound = b.int64Constant(sizes, sizes.length === 1 ? [] : [sizes.length]);
  return b.op('Where', [b.op('Less', [wide, b.int64Constant([0], [])]), b.op('Add', [wide, bound]), wide]);
}

/**
 * Before opset 16: the adjoint of y = x[…, idx, …] along `axis` as a one-hot product, which adds
 * repeated indices exactly: g·onehot(idx) summed over the indices' own `axis`, then zero-padded
 * where the indices are shorter than x along the other axes.
 */
function oneHotAdjoint(b: GraphBuilder, g: string, indices: string, axis: number, indexShape: readonly number[], xShape: readonly number[]): string {
  const rank = xShape.length;
  const depth = xShape[axis] as number;
  checkConstantSize([product(indexShape), depth]);
  const oneHot = b.op('OneHot', [indices, b.int64Constant([depth], [1]), b.floatConstant([0, 1], [2])], { axis: { int: -1 } });
  const summed = b.reduceSum(b.mul(oneHot, b.unsqueeze(g, [rank])), [axis], true);
  const perm = [...Array(rank + 1).keys()];
  [perm[axis], perm[rank]] = [rank, axis];
  const reached = indexShape.map((d, i) => (i === axis ? depth : d));
  const moved = b.reshape(b.op('Transpose', [summed], { perm: { ints: perm } }), reached);
  if (reached.every((d, i) => d === xShape[i])) return moved;
  const pads = [...reached.map(() => 0), ...reached.map((d, i) => (xShape[i] as number) - d)];
  return b.op('Pad', [moved, b.int64Constant(pads)], {}, xShape);
}

/** y[…, i, …] = x[…, idx[…, i, …], …] along `axis`: g is added back where each index points. */
export const gatherElements: GradientRule = {
  opType: 'GatherElements',
  since: 11,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const [x, rawIndices] = [node.input(0), node.input(1)];
    const xShape = b.shape(x);
    const axis = normalizeAxis(node, node.int('axis', 0), xShape.length);
    const indices = nonNegative(b, rawIndices, [xShape[axis] as number]);
    if (b.opset < SCATTER_ADD_OPSET) return [oneHotAdjoint(b, g, indices, axis, b.shape(rawIndices), xShape), null];
    return [b.op('ScatterElements', [b.zeros(xShape), indices, g], { axis: { int: axis }, ...add }, xShape), null];
  },
};

/**
 * Each index tuple (the last axis of indices, after batch_dims leading batch axes) picks a slice
 * of x; g is added back onto the slices picked. From opset 16 by ScatterND with the batch
 * coordinates prepended to the tuples; before, as a batched one-hot product over the slices.
 */
export const gatherND: GradientRule = {
  opType: 'GatherND',
  since: 11,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const [x, rawIndices] = [node.input(0), node.input(1)];
    const xShape = b.shape(x);
    const indexShape = b.shape(rawIndices);
    const batchDims = node.int('batch_dims', 0);
    const tuple = indexShape[indexShape.length - 1] as number;
    if (batchDims < 0 || batchDims >= indexShape.length || batchDims + tuple > xShape.length) {
      throw node.invalid(`batch_dims ${batchDims} with index tuples of length ${tuple} do not fit data of rank ${xShape.length}`);
    }
    const indices = nonNegative(b, rawIndices, xShape.slice(batchDims, batchDims + tuple));
    const positions = indexShape.slice(0, -1);
    if (b.opset >= SCATTER_ADD_OPSET) {
      let full = indices;
      if (batchDims > 0) {
        checkConstantSize([product(positions), batchDims]);
        const coordinates: number[] = [];
        for (let p = 0; p < product(positions); p++) {
          let rest = Math.floor(p / product(positions.slice(batchDims)));
          const coordinate: number[] = [];
          for (let d = batchDims - 1; d >= 0; d--) {
            coordinate.unshift(rest % (positions[d] as number));
            rest = Math.floor(rest / (positions[d] as number));
          }
          coordinates.push(...coordinate);
        }
        full = b.op('Concat', [b.int64Constant(coordinates, [...positions, batchDims]), indices], { axis: { int: -1 } });
      }
      return [b.op('ScatterND', [b.zeros(xShape), full, g], add, xShape), null];
    }
    const batch = product(xShape.slice(0, batchDims));
    const picks = product(positions.slice(batchDims));
    const slots = product(xShape.slice(batchDims, batchDims + tuple));
    const width = product(xShape.slice(batchDims + tuple));
    const strides = xShape.slice(batchDims, batchDims + tuple).map((_, i, dims) => product(dims.slice(i + 1)));
    const linear = b.reduceSum(b.op('Mul', [indices, b.int64Constant(strides)]), [indexShape.length - 1], false);
    checkConstantSize([batch, picks, slots]);
    const oneHot = b.op('OneHot', [b.reshape(linear, [batch, picks]), b.int64Constant([slots], [1]), b.floatConstant([0, 1], [2])], { axis: { int: -1 } });
    const scattered = b.op('MatMul', [b.transpose(oneHot, [0, 2, 1]), b.reshape(g, [batch, picks, width])]);
    return [b.reshape(scattered, xShape), null];
  },
};

/** The values output is x at the indices output along `axis`; those are distinct within a slice, so a plain scatter is exact. */
export const topK: GradientRule = {
  opType: 'TopK',
  since: 1,
  differentiable: [0],
  // Before opset 10, k is an attribute.
  legacy(node, upgrade) {
    if (upgrade.version >= 10) return;
    node.input = [node.input?.[0] ?? '', upgrade.constant('k', [1], DataType.INT64, [intAttribute(node, 'k', 1)])];
    dropAttributes(node, 'k');
  },
  gradient(node, grads, b) {
    const g = grads[0];
    if (!g) return [null, null];
    const xShape = b.shape(node.input(0));
    const axis = normalizeAxis(node, node.int('axis', -1), xShape.length);
    const indices = node.output(1);
    if (!indices) throw node.invalid('its Indices output has no name');
    return [b.op('ScatterElements', [b.zeros(xShape), indices, g], { axis: { int: axis } }, xShape), null];
  },
};

export const gatherRules: readonly GradientRule[] = [gatherElements, gatherND, topK];
