import { describeValue } from './describe-value.js';
import { BackendContractError } from './errors.js';

type Values = Float32Array | readonly number[];

/** Refuses, when the backend is made, functions that are missing: a pair must be given whole. */
export function checkFunctions(fns: object, name: string): void {
  const given = fns as Record<string, unknown>;
  const batched = given['forwardBatch'] !== undefined || given['gradientBatch'] !== undefined;
  const pair = batched ? ['forwardBatch', 'gradientBatch'] : ['forward', 'gradient'];
  for (const key of pair) {
    if (typeof given[key] !== 'function') {
      throw new BackendContractError(
        `${name}: functionBackend needs ${pair.join(' and ')}, but ${key} is ${describeValue(given[key])}; give forward and gradient (per point) or forwardBatch and gradientBatch (per batch)`,
      );
    }
  }
}

function isNumbers(value: unknown): value is Values {
  return ArrayBuffer.isView(value) || (Array.isArray(value) && value.every((v) => typeof v === 'number'));
}

/**
 * The per-input gradients in what `gradient` returned at point k: a list of arrays, or
 * { value, gradients }; for a model with one input, a bare array of numbers is that input's gradient.
 */
export function gradientsOf(result: unknown, inputs: number, name: string, k: number): { grads: readonly Values[]; value?: number } {
  if (isNumbers(result)) {
    if (inputs === 1) return { grads: [result] };
    throw new BackendContractError(
      `${name}: gradient returned one array of numbers at point ${k} for a model with ${inputs} inputs; return one array per input`,
    );
  }
  if (Array.isArray(result)) return { grads: result as readonly Values[] };
  if (result !== null && typeof result === 'object' && Array.isArray((result as { gradients?: unknown }).gradients)) {
    const { value, gradients } = result as { value: unknown; gradients: readonly Values[] };
    if (typeof value !== 'number')
      throw new BackendContractError(
        `${name}: gradient returned { value, gradients } with value ${describeValue(value)} at point ${k}; value must be a number`,
      );
    return { grads: gradients, value };
  }
  throw new BackendContractError(
    `${name}: gradient returned ${describeValue(result)} at point ${k}; it must return one array per model input, or { value, gradients }`,
  );
}

/** Refuses one input's gradient at point k unless it is an array of `size` values. */
export function checkGradientValues(g: unknown, size: number, input: number, name: string, k: number): Values {
  if (!isNumbers(g) && !Array.isArray(g)) {
    throw new BackendContractError(
      `${name}: gradient of input ${input} at point ${k} is ${describeValue(g)}; it must be a Float32Array or number[] of ${size} values`,
    );
  }
  if (g.length !== size) throw new BackendContractError(`${name}: gradient of input ${input} has ${g.length} values at point ${k}, expected ${size}`);
  return g as Values;
}

/** Refuses what `forward` returned at point k unless it is an array of numbers. */
export function checkOutputs(y: unknown, name: string, k: number): Values {
  if (!isNumbers(y))
    throw new BackendContractError(`${name}: forward returned ${describeValue(y)} at point ${k}; it must return the outputs as a Float32Array or number[]`);
  return y;
}
