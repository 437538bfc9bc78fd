import type { BaselineFunction } from '../baselines.js';
import { BaselineError, NonFiniteError, ShapeMismatchError } from '../errors.js';
import { inputTensor, type InputLike, type Inputs, type NestedNumbers } from '../inputs.js';
import { firstNonFinite } from '../path-kernels.js';
import { formatShape, type Tensor } from '../tensor.js';
import { normalizeInputs } from '../validate.js';

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

/**
 * Inputs for layer attribution in any form `integratedGradients` takes (tensors, typed or nested
 * arrays, tf.Tensor, ort.Tensor), checked as it checks them: one batch axis shared by every
 * input, and finite values (a NonFiniteError names the input, example and feature).
 */
export function layerInputs(inputs: Inputs): Tensor[] {
  return [...normalizeInputs(inputs).tensors];
}

/**
 * An input-space baseline per input: a constant, a tensor (any form of InputLike but nested
 * arrays, which would read as one baseline per input) shaped like the input or like one example
 * of it, or a function of the input returning either.
 */
export type InputBaseline = number | Exclude<InputLike, NestedNumbers> | BaselineFunction;

/** Baselines in input space, spread to every example of `inputs` (the same shapes) and checked finite. */
export function inputBaselines(inputs: readonly Tensor[], baselines: InputBaseline | readonly InputBaseline[] = 0): Tensor[] {
  const given: unknown = baselines;
  if (typeof given === 'object' && given !== null && 'average' in given) {
    throw new BaselineError(
      'layer attribution takes one baseline per input, not { average: [...] }: run it once per baseline and average the attributions (each sums to F(x) − F(baseline))',
    );
  }
  if (Array.isArray(given) && given.length !== inputs.length) {
    throw new BaselineError(
      `got ${given.length} baselines for a model with ${inputs.length} input(s); give one per input, or one for all (a baseline tensor is { data, shape }, a Float32Array or a tf.Tensor, not a number[])`,
    );
  }
  return inputs.map((input, i) => {
    const value = Array.isArray(given) ? (given[i] as InputBaseline) : (baselines as InputBaseline);
    const baseline = spread(resolve(value, input, i), input, i);
    const bad = firstNonFinite(baseline.data);
    if (bad >= 0) {
      const size = baseline.data.length / Math.max(1, input.shape[0] ?? 1);
      const where = `baseline of input ${i}`;
      throw new NonFiniteError(where, bad, baseline.data[bad] as number, ` (example ${Math.floor(bad / size)}, feature ${bad % size})`);
    }
    return baseline;
  });
}

/** A constant, a tensor in any InputLike form, or a function's result, as a tensor (a constant fills the input's shape). */
function resolve(value: InputBaseline, input: Tensor, index: number): Tensor {
  const resolved: unknown = typeof value === 'function' ? value(input, index) : value;
  if (typeof resolved === 'number') return { data: new Float32Array(input.data.length).fill(resolved), shape: input.shape };
  try {
    return inputTensor(resolved as InputLike, `baseline of input ${index}`);
  } catch (error) {
    if (error instanceof ShapeMismatchError) throw new BaselineError(error.message);
    throw error;
  }
}

/** A baseline shaped like the input, or like one example of it (repeated for every example). */
function spread(baseline: Tensor, input: Tensor, index: number): Tensor {
  if (baseline.data.length === input.data.length) return { data: baseline.data, shape: input.shape };
  const exampleSize = input.data.length / Math.max(1, input.shape[0] ?? 1);
  if (baseline.data.length !== exampleSize) {
    throw new ShapeMismatchError(
      `baseline of input ${index} has shape ${formatShape(baseline.shape)}; expected the input's shape ${formatShape(input.shape)} or one example of it`,
    );
  }
  const data = new Float32Array(input.data.length);
  for (let offset = 0; offset < data.length; offset += exampleSize) data.set(baseline.data, offset);
  return { data, shape: input.shape };
}
