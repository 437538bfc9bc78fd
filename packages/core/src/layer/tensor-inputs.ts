import { ShapeMismatchError } from '../errors.js';
import { formatShape, type Tensor } from '../tensor.js';

/** Number of examples in float inputs given with a batch axis; every input must agree. */
export function tensorExamples(inputs: readonly Tensor[]): number {
  const first = inputs[0];
  if (first === undefined) throw new ShapeMismatchError('layer attribution needs at least one input');
  const examples = first.shape[0] ?? 0;
  inputs.forEach((input, i) => {
    if (input.shape.length === 0 || input.shape[0] !== examples) {
      throw new ShapeMismatchError(`input ${i} has shape ${formatShape(input.shape)}; every input needs the same batch of ${examples} examples in dim 0`);
    }
  });
  return examples;
}

/** Example `index` of each input, as a view with a batch axis of 1. */
export function tensorExample(inputs: readonly Tensor[], index: number): Tensor[] {
  return inputs.map((input) => {
    const size = input.data.length / Math.max(1, input.shape[0] ?? 1);
    return { data: input.data.subarray(index * size, (index + 1) * size), shape: [1, ...input.shape.slice(1)] };
  });
}

/** An input-space baseline per input: a constant, a tensor shaped like the input, or one example of it. */
export type InputBaseline = number | Tensor;

/** Baselines in input space, spread to every example of `inputs` (the same shapes). */
export function inputBaselines(inputs: readonly Tensor[], baselines: InputBaseline | readonly InputBaseline[] = 0): Tensor[] {
  return inputs.map((input, i) => {
    const baseline = Array.isArray(baselines) ? (baselines as readonly InputBaseline[])[i] : (baselines as InputBaseline);
    if (baseline === undefined) throw new ShapeMismatchError(`no baseline given for input ${i}`);
    if (typeof baseline === 'number') return { data: new Float32Array(input.data.length).fill(baseline), shape: input.shape };
    if (baseline.data.length === input.data.length) return { data: baseline.data, shape: input.shape };
    const exampleSize = input.data.length / Math.max(1, input.shape[0] ?? 1);
    if (baseline.data.length !== exampleSize) {
      throw new ShapeMismatchError(
        `baseline of input ${i} has shape ${formatShape(baseline.shape)}; expected the input's shape ${formatShape(input.shape)} or one example of it`,
      );
    }
    const data = new Float32Array(input.data.length);
    for (let offset = 0; offset < data.length; offset += exampleSize) data.set(baseline.data, offset);
    return { data, shape: input.shape };
  });
}
