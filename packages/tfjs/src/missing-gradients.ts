import * as tf from '@tensorflow/tfjs-core';
import { NoGradientError } from './errors.js';

/** float32 holds every integer up to 2^24 exactly. */
const FLOAT_EXACT = 2 ** 24;
const LOW = 2 ** 12;

/**
 * The adjoint of an op that only moves or picks elements (each output element is one input
 * element): the op is applied to the input's flat positions, which says where each output element
 * came from, and dy is added back there. The positions go through the op as float32 (some kernels
 * take nothing else, and wasm's StridedSlice garbles int32), split into two float32 digits of
 * base 2^12 where the input has more than 2^24 elements.
 */
function movedBack(x: tf.Tensor, dy: tf.Tensor, move: (positions: tf.Tensor) => tf.Tensor): tf.Tensor {
  const flat = tf.range(0, x.size, 1, 'int32');
  const moved = (digits: tf.Tensor): tf.Tensor => tf.cast(move(tf.reshape(tf.cast(digits, 'float32'), x.shape)), 'int32');
  const sources =
    x.size <= FLOAT_EXACT
      ? moved(flat)
      : tf.add(tf.mul(moved(tf.floorDiv(flat, tf.scalar(LOW, 'int32'))), tf.scalar(LOW, 'int32')), moved(tf.mod(flat, tf.scalar(LOW, 'int32'))));
  return tf.reshape(tf.scatterND(tf.reshape(sources, [-1, 1]), tf.reshape(dy, [-1]), [x.size]), x.shape);
}

type Attributes = Record<string, unknown>;
const attributesOf = (attrs: tf.NamedAttrMap | undefined): Attributes => (attrs ?? {}) as unknown as Attributes;

/** The gradient of a kernel that only moves or picks elements, as `move` (the op with the node's attributes) moves them. */
function movingGradient(kernelName: string, move: (t: tf.Tensor, a: Attributes) => tf.Tensor): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const a = attributesOf(attrs);
      return { x: () => movedBack(saved[0] as tf.Tensor, dy as tf.Tensor, (t) => move(t, a)) };
    },
  };
}

const stridedSlice = movingGradient('StridedSlice', (t, a) =>
  tf.stridedSlice(
    t,
    a['begin'] as number[],
    a['end'] as number[],
    a['strides'] as number[],
    a['beginMask'] as number,
    a['endMask'] as number,
    a['ellipsisMask'] as number,
    a['newAxisMask'] as number,
    a['shrinkAxisMask'] as number,
  ),
);

const depthToSpace = movingGradient('DepthToSpace', (t, a) => tf.depthToSpace(t as tf.Tensor4D, a['blockSize'] as number, a['dataFormat'] as 'NHWC' | 'NCHW'));

const flipLeftRight: tf.GradConfig = {
  kernelName: 'FlipLeftRight',
  inputsToSave: [],
  gradFunc: (dy) => ({ image: () => tf.image.flipLeftRight(dy as tf.Tensor4D) }),
};

/** y = params gathered at index tuples: dy added back where each tuple points (repeats add up). */
const gatherNd: tf.GradConfig = {
  kernelName: 'GatherNd',
  inputsToSave: ['params', 'indices'],
  gradFunc: (dy, saved) => {
    const [params, indices] = saved as [tf.Tensor, tf.Tensor];
    return { params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape), indices: () => tf.zerosLike(indices) };
  },
};

/** y = zeros of `shape` with the updates added at the tuples: the updates get dy gathered there. */
const scatterNd: tf.GradConfig = {
  kernelName: 'ScatterNd',
  inputsToSave: ['indices'],
  gradFunc: (dy, saved) => {
    const indices = saved[0] as tf.Tensor;
    return { updates: () => tf.gatherND(dy as tf.Tensor, indices), indices: () => tf.zerosLike(indices) };
  },
};

/** y = tensor with the updates written at the tuples: tensor's dy is zeroed there, the updates get it. */
const tensorScatterUpdate: tf.GradConfig = {
  kernelName: 'TensorScatterUpdate',
  inputsToSave: ['tensor', 'indices', 'updates'],
  gradFunc: (dy, saved) => {
    const [tensor, indices, updates] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
    const g = dy as tf.Tensor;
    return {
      tensor: () => tf.mul(g, tf.sub(1, tf.minimum(1, tf.scatterND(indices, tf.onesLike(updates), tensor.shape)))),
      indices: () => tf.zerosLike(indices),
      updates: () => tf.gatherND(g, indices),
    };
  },
};

/** The top-k values along the last axis: dy goes back to the positions the indices name. */
const topK: tf.GradConfig = {
  kernelName: 'TopK',
  inputsToSave: ['x'],
  outputsToSave: [false, true],
  gradFunc: (dy, saved) => {
    const [x, indices] = saved as [tf.Tensor, tf.Tensor];
    const values = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor;
    const n = x.shape[x.rank - 1] as number;
    const k = indices.shape[indices.rank - 1] as number;
    const rows = x.size / n;
    const flat = tf.add(tf.reshape(tf.cast(indices, 'int32'), [rows, k]), tf.mul(tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]), tf.scalar(n, 'int32')));
    return { x: () => tf.reshape(tf.scatterND(tf.reshape(flat, [-1, 1]), tf.reshape(values, [-1]), [x.size]), x.shape) };
  },
};

/**
 * Einsum of two operands: each operand's gradient is the einsum of dy with the other operand
 * into the operand's indices; an index of the operand alone (summed out in the forward pass) is
 * broadcast back.
 */
const einsum: tf.GradConfig = {
  kernelName: 'Einsum',
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs) => {
    const equation = (attributesOf(attrs)['equation'] as string).replace(/\s/g, '');
    const [inputs, output] = equation.split('->') as [string, string | undefined];
    const terms = inputs.split(',');
    if (terms.length !== 2 || output === undefined || /\./.test(equation))
      throw new NoGradientError('Einsum', `its gradient covers two operands and an explicit output ("ab,bc->ac"); the equation is "${equation}"`);
    const g = dy as tf.Tensor;
    const operandGradient = (own: string, other: string, otherTensor: tf.Tensor, shape: readonly number[]): tf.Tensor => {
      const kept = [...own].filter((c) => output.includes(c) || other.includes(c)).join('');
      const reduced = tf.einsum(`${output},${other}->${kept}`, g, otherTensor);
      if (kept === own) return reduced;
      // `kept` keeps the operand's order, so only the summed-out axes need putting back.
      const expandedShape = [...own].map((c, i) => (kept.includes(c) ? (shape[i] as number) : 1));
      return tf.broadcastTo(tf.reshape(reduced, expandedShape), [...shape]);
    };
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    const [ta, tb] = terms as [string, string];
    return { 0: () => operandGradient(ta, tb, b, a.shape), 1: () => operandGradient(tb, ta, a, b.shape) };
  },
};

/** Gradients tfjs 4.22 registers none for, used during our backward passes only (see withCorrectedKernels). */
export const MISSING_GRADIENTS: readonly tf.GradConfig[] = [stridedSlice, depthToSpace, flipLeftRight, gatherNd, scatterNd, tensorScatterUpdate, topK, einsum];
