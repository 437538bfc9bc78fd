import { BaselineError } from './errors.js';
import { broadcastInto, formatShape, sizeOf, type Tensor } from './tensor.js';

/** Baseline for one model input, as a function of that input (e.g. a blurred copy). */
export type BaselineFunction = (input: Tensor, inputIndex: number) => Tensor | number;

/** One baseline value: a scalar, a tensor broadcastable to the input, or a function of it. */
export type BaselineValue = number | Tensor | BaselineFunction;

/**
 * - a value for every model input (`0` is the default);
 * - an array: one value per model input, in order;
 * - `{ average: [...] }`: several baselines whose attributions are averaged
 *   (expected-gradients style); each entry is itself a value or a per-input array.
 */
export type BaselineSpec = BaselineValue | readonly BaselineValue[] | { readonly average: readonly (BaselineValue | readonly BaselineValue[])[] };

function isAverage(spec: BaselineSpec): spec is { readonly average: readonly (BaselineValue | readonly BaselineValue[])[] } {
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) && 'average' in spec;
}

/** Where materialised baselines go: an array of `length` values, every one of which is written. */
export type BaselineAllocator = (length: number) => Float32Array;

/** Sees every tensor a baseline spec gives (directly or from a function) before it is materialised. */
export type BaselineObserver = (data: Float32Array, inputIndex: number, label: string) => void;

const freshArray: BaselineAllocator = (length) => new Float32Array(length);

function materialize(
  value: BaselineValue,
  input: Tensor,
  inputIndex: number,
  label: string,
  allocate: BaselineAllocator,
  observe: BaselineObserver | undefined,
): Float32Array {
  const resolved = typeof value === 'function' ? value(input, inputIndex) : value;
  if (typeof resolved === 'number') {
    if (!Number.isFinite(resolved)) throw new BaselineError(`${label} for input ${inputIndex} is ${resolved}`);
    return allocate(input.data.length).fill(resolved);
  }
  if (resolved === null || typeof resolved !== 'object' || !(resolved.data instanceof Float32Array) || !Array.isArray(resolved.shape)) {
    throw new BaselineError(`${label} for input ${inputIndex} must be a number, a tensor { data: Float32Array, shape } or a function returning one`);
  }
  if (sizeOf(resolved.shape) !== resolved.data.length) {
    throw new BaselineError(`${label} for input ${inputIndex}: shape ${formatShape(resolved.shape)} does not match its ${resolved.data.length} values`);
  }
  observe?.(resolved.data, inputIndex, label);
  const full = broadcastInto(resolved, input.shape, allocate);
  if (full === null) {
    throw new BaselineError(
      `${label} for input ${inputIndex} has shape ${formatShape(resolved.shape)}, which does not broadcast to the input's shape ${formatShape(input.shape)}`,
    );
  }
  for (let i = 0; i < full.length; i++) {
    if (!Number.isFinite(full[i] as number)) {
      throw new BaselineError(`${label} for input ${inputIndex} has ${String(full[i])} at flat index ${i} (after broadcasting to ${formatShape(input.shape)})`);
    }
  }
  return full;
}

function perInput(
  value: BaselineValue | readonly BaselineValue[],
  inputs: readonly Tensor[],
  label: string,
  allocate: BaselineAllocator,
  observe: BaselineObserver | undefined,
): Float32Array[] {
  if (Array.isArray(value)) {
    const values = value as readonly BaselineValue[];
    if (values.length !== inputs.length) {
      throw new BaselineError(`${label}: got ${values.length} baselines for a model with ${inputs.length} input(s); give one per input`);
    }
    return values.map((v, i) => materialize(v, inputs[i] as Tensor, i, label, allocate, observe));
  }
  return inputs.map((input, i) => materialize(value as BaselineValue, input, i, label, allocate, observe));
}

/**
 * Resolves a baseline spec into samples × model inputs, each a Float32Array of the full input
 * shape (batch axis included).
 */
export function resolveBaselines(spec: BaselineSpec | undefined, inputs: readonly Tensor[]): Float32Array[][] {
  return resolveBaselinesInto(spec, inputs, freshArray);
}

/** resolveBaselines with the arrays taken from `allocate`, and every given tensor shown to `observe`. */
export function resolveBaselinesInto(
  spec: BaselineSpec | undefined,
  inputs: readonly Tensor[],
  allocate: BaselineAllocator,
  observe?: BaselineObserver,
): Float32Array[][] {
  if (spec === undefined) return [perInput(0, inputs, 'baseline', allocate, observe)];
  if (isAverage(spec)) {
    if (!Array.isArray(spec.average) || spec.average.length === 0) {
      throw new BaselineError('baselines.average must be a non-empty array of baselines');
    }
    return spec.average.map((entry, s) => perInput(entry, inputs, `baseline sample ${s}`, allocate, observe));
  }
  return [perInput(spec, inputs, 'baseline', allocate, observe)];
}
