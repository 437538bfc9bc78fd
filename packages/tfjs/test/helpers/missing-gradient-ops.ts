import * as tf from '@tensorflow/tfjs';

/** A deterministic point (the same formula as unseen-models' pointOf, without its model imports). */
export function wave(length: number, phase = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(0.7 * i + phase) * 0.9 + 0.1 * Math.cos(3.1 * i));
}

/**
 * Ops that graph models converted from TensorFlow use and tfjs 4.22 has no gradient for. Each is
 * linear in x here (Einsum with the other operand fixed), so the gradient of Σⱼ wⱼ·f(x)ⱼ is Jᵀw,
 * and column i of J is f of the basis tensor eᵢ: the forward kernel alone, summed in float64,
 * is an independent truth.
 */
export const SHAPE = [4, 6, 2];
export const other = (): tf.Tensor => tf.tensor(wave(18, 0.4), [6, 3]);
export const OPS: readonly (readonly [string, (x: tf.Tensor) => tf.Tensor])[] = [
  ['StridedSlice with a stride, a shrunk axis and a new axis', (x) => tf.stridedSlice(x, [0, 1, 1], [0, 6, 2], [1, 2, 1], 1, 1, 0, 0, 4)],
  ['StridedSlice with an ellipsis and a negative stride', (x) => tf.stridedSlice(x, [0, 5, 0], [0, 0, 2], [1, -2, 1], 0, 0, 1, 0, 0)],
  ['StridedSlice x[:, :, 0] (a CLS pooler)', (x) => tf.stridedSlice(x, [0, 0, 0], [0, 0, 1], [1, 1, 1], 3, 3, 0, 0, 4)],
  ['DepthToSpace NHWC', (x) => tf.depthToSpace(tf.reshape(x, [4, 1, 3, 4]) as tf.Tensor4D, 2)],
  ['FlipLeftRight', (x) => tf.image.flipLeftRight(tf.reshape(x, [4, 3, 2, 2]) as tf.Tensor4D)],
  [
    'GatherNd with repeated tuples',
    (x) =>
      tf.gatherND(
        x,
        tf.tensor2d(
          [
            [1, 2],
            [0, 5],
            [1, 2],
            [3, 0],
          ],
          [4, 2],
          'int32',
        ),
      ),
  ],
  ['ScatterNd of x into a larger tensor', (x) => tf.scatterND(tf.tensor2d([[2], [0], [5], [3]], [4, 1], 'int32'), tf.reshape(x, [4, 12]), [6, 12])],
  [
    'TensorScatterUpdate of x into a constant',
    (x) => tf.tensorScatterUpdate(tf.reshape(x, [4, 12]), tf.tensor2d([[2], [0]], [2, 1], 'int32'), tf.ones([2, 12])),
  ],
  ['Einsum bqd,dk->bqk', (x) => tf.einsum('bqd,dk->bqk', tf.reshape(x, [4, 2, 6]), other())],
  [
    'Einsum dk,bqd->bq (the first operand summed over k)',
    (x) => tf.einsum('dk,bqd->bq', tf.reshape(x, [6, 8]).slice([0, 0], [6, 3]), tf.reshape(tf.range(0, 48), [2, 4, 6])),
  ],
];

/** Jᵀw, column i of J being f(eᵢ) − f(0) (TensorScatterUpdate writes constants: f is affine). */
export function transposedJacobianTimes(op: (x: tf.Tensor) => tf.Tensor, weights: Float32Array): Float64Array {
  const size = SHAPE.reduce((a, b) => a * b, 1);
  const offset = tf.tidy(() => op(tf.zeros(SHAPE)).dataSync());
  return Float64Array.from({ length: size }, (_, i) =>
    tf.tidy(() => {
      const basis = new Float32Array(size);
      basis[i] = 1;
      const column = op(tf.tensor(basis, SHAPE)).dataSync();
      let sum = 0;
      for (let j = 0; j < column.length; j++) sum += ((column[j] as number) - (offset[j] as number)) * (weights[j] as number);
      return sum;
    }),
  );
}
