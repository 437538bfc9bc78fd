import type { GradientBackend, GradientResponse, IntegrateResponse } from './backend.js';
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

/** Refuses what a backend method resolved to unless it is an object. */
function checkResolvedObject(backendName: string, method: string, value: unknown, shape: string): void {
  if (value === null || typeof value !== 'object') {
    throw new BackendContractError(`${backendName}: ${method}() resolved to ${describeValue(value)}; it must resolve to ${shape}`);
  }
}

/** Refuses a gradients() response unless it holds, per input, a Float32Array of `count` points' gradients; names the type when that is what is wrong. */
export function checkGradientResponse(name: string, response: unknown, pointSizes: readonly number[], count: number): asserts response is GradientResponse {
  checkResolvedObject(name, 'gradients', response, '{ objective, gradients }');
  const { gradients } = response as { gradients?: unknown };
  if (!Array.isArray(gradients) || gradients.length !== pointSizes.length) {
    throw new BackendContractError(
      `${name}: gradients returned ${String((gradients as unknown[] | undefined)?.length)} arrays for ${pointSizes.length} input(s)`,
    );
  }
  gradients.forEach((g: unknown, input) => {
    const expected = count * (pointSizes[input] as number);
    if (!(g instanceof Float32Array)) {
      throw new BackendContractError(
        `${name}: gradient of input ${input} is ${describeValue(g)}; it must be a Float32Array of ${expected} values (${count} points)`,
      );
    }
    if (g.length !== expected)
      throw new BackendContractError(`${name}: gradient of input ${input} has ${g.length} values, expected ${expected} (${count} points)`);
  });
}

/** Refuses an integrate() response unless it holds one input-sized sum per input. */
export function checkIntegrateResponse(name: string, response: unknown, pointSizes: readonly number[]): asserts response is IntegrateResponse {
  checkResolvedObject(name, 'integrate', response, '{ gradientSums }');
  const { gradientSums } = response as { gradientSums?: unknown };
  if (!Array.isArray(gradientSums) || gradientSums.length !== pointSizes.length) {
    throw new BackendContractError(
      `${name}: integrate returned ${String((gradientSums as unknown[] | undefined)?.length)} gradient sums for ${pointSizes.length} input(s)`,
    );
  }
  gradientSums.forEach((sum: unknown, input) => {
    const length = (sum as { length?: unknown } | null)?.length;
    if (length !== pointSizes[input]) {
      const got = typeof length === 'number' ? `${length} values` : describeValue(sum);
      throw new BackendContractError(`${name}: integrate returned ${got} for input ${input}, expected ${String(pointSizes[input])} values`);
    }
  });
}
