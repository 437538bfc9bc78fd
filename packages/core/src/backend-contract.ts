import type { GradientBackend } from './backend.js';
import { describeValue } from './describe-value.js';
import { BackendContractError } from './errors.js';

/** Refuses a backend that lacks a method the core calls, naming the method, before any call. */
export function checkBackend(backend: GradientBackend): void {
  const given = backend as unknown;
  if (given === null || typeof given !== 'object') {
    throw new BackendContractError(`the backend must be an object with predict, gradients and dispose methods, got ${describeValue(given)}`);
  }
  const methods = given as Record<string, unknown>;
  const name = typeof methods['name'] === 'string' ? methods['name'] : 'the backend';
  for (const method of ['predict', 'gradients']) {
    if (typeof methods[method] !== 'function') {
      throw new BackendContractError(
        `${name}: the backend has no ${method}() method (got ${describeValue(methods[method])}); a GradientBackend implements predict, gradients and dispose`,
      );
    }
  }
  if (methods['integrate'] !== undefined && typeof methods['integrate'] !== 'function') {
    throw new BackendContractError(`${name}: integrate must be a method or left out, got ${describeValue(methods['integrate'])}`);
  }
}

/** Refuses what a backend method resolved to unless it is an object (the fields are checked by the caller). */
export function checkResolvedObject(backendName: string, method: string, value: unknown, shape: string): void {
  if (value === null || typeof value !== 'object') {
    throw new BackendContractError(`${backendName}: ${method}() resolved to ${describeValue(value)}; it must resolve to ${shape}`);
  }
}

/** The message for gradients that are not a Float32Array of `expected` values, naming the type when it is the type that is wrong. */
export function gradientLengthMessage(backendName: string, input: number, gradient: unknown, expected: number, count: number): string {
  if (!(gradient instanceof Float32Array)) {
    return `${backendName}: gradient of input ${input} is ${describeValue(gradient)}; it must be a Float32Array of ${expected} values (${count} points)`;
  }
  return `${backendName}: gradient of input ${input} has ${gradient.length} values, expected ${expected} (${count} points)`;
}
