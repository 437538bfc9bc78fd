import * as tf from '@tensorflow/tfjs-core';

/**
 * AvgPool's gradient for tfjs-backend-webgl, whose AvgPoolGrad kernel (tfjs 4.22) divides dy by
 * the whole window where 'same' padding cuts it at the border, while the forward kernel averages
 * only the pixels inside. The kernel runs on the GPU and cannot be swapped for one reading CPU
 * memory, so dy is scaled first by (window size / pixels inside), which the kernel's division
 * undoes: the result is the exact adjoint.
 */
export function avgPoolGradientOver(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'AvgPool',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor4D;
      const filterSize = attrs?.['filterSize'] as number | [number, number];
      const [fh, fw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
      const strides = attrs?.['strides'] as number | [number, number];
      const pad = attrs?.['pad'] as 'same' | 'valid' | number;
      // pixels inside the input per window: a sum over each window of an all-ones image
      const inside = tf.conv2d(tf.ones([1, x.shape[1], x.shape[2], 1]) as tf.Tensor4D, tf.ones([fh, fw, 1, 1]) as tf.Tensor4D, strides, pad);
      const scaled = tf.mul(dy as tf.Tensor, tf.div(tf.scalar(fh * fw), inside));
      return original.gradFunc(scaled, saved, attrs);
    },
  };
}
