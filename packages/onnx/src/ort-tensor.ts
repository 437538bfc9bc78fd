import { inputTensor, type Tensor } from '@ig/core';
import type { OrtModuleLike, OrtTensorLike } from './runtime/ort.js';

/**
 * An onnxruntime tensor as a core tensor `{ data: Float32Array, shape }` (float64 and integer
 * tensors are converted to float32; string and bool tensors are a ShapeMismatchError). The core's
 * methods also take an `ort.Tensor` directly.
 */
export function fromOrtTensor(tensor: OrtTensorLike): Tensor {
  return inputTensor(tensor as Parameters<typeof inputTensor>[0], 'ort.Tensor');
}

/** A core tensor as a float32 tensor of the given onnxruntime module (sharing its data). */
export function toOrtTensor(ort: Pick<OrtModuleLike, 'Tensor'>, tensor: Tensor): OrtTensorLike {
  return new ort.Tensor('float32', tensor.data, [...tensor.shape]);
}
