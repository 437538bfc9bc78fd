import * as tf from '@tensorflow/tfjs-core';
import { inputTensor, ShapeMismatchError, type Tensor } from '@ig/core';

/**
 * A tf.Tensor as a core tensor `{ data: Float32Array, shape }` (values read synchronously and
 * converted to float32; the tf.Tensor is not disposed). The core's methods also take a tf.Tensor
 * directly.
 */
export function fromTfTensor(tensor: tf.Tensor): Tensor {
  if (tensor.dtype === 'string') {
    throw new ShapeMismatchError(`a tf.Tensor of dtype string (shape [${tensor.shape.join(', ')}]) cannot be attributed; give float values`);
  }
  return inputTensor(tensor, 'tf.Tensor');
}

/** A core tensor (an attribution, an input) as a float32 tf.Tensor; dispose it when done. */
export function toTensor(tensor: Tensor): tf.Tensor {
  return tf.tensor(tensor.data, [...tensor.shape], 'float32');
}
