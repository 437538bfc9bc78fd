import { InvalidModelError } from '../errors.js';
import type { OrtTensorLike } from './ort.js';

/**
 * The explained output must keep the batch axis first: one row of outputs per example. A model
 * that reduces it away (a scalar loss, ReduceSum without keepdims) can only run one example at a
 * time, which holds when its input fixes the batch at 1 (`capacity` 1).
 */
export function checkOutputBatchAxis(tensor: OrtTensorLike | undefined, output: string, count: number, capacity: number): void {
  if (tensor === undefined || capacity === 1) return;
  const dims = tensor.dims;
  if (dims.length > 0 && dims[0] === count) return;
  throw new InvalidModelError(
    `output "${output}" has shape [${dims.join(', ')}] for a batch of ${count}: its first axis must be the batch axis (one row per example); export the model with the batch axis kept (e.g. keepdims=1), or with a fixed batch size of 1`,
  );
}
