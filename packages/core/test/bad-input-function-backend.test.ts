import { describe, expect, it } from 'vitest';
import { BackendContractError, functionBackend, integratedGradients, tensor, type BatchFunctions, type PointFunctions } from '../src/index.js';
import { expectRefusal } from './helpers/refusal.js';

const w = [0.5, -1.5, 2];
const x = tensor([1, 2, -0.5], [1, 3]);
/** Functions as JavaScript callers may write them, past the types. */
const loose = (fns: Record<string, unknown>): PointFunctions => fns as unknown as PointFunctions;
const sumForward = ([p]: readonly Float32Array[]): number[] => [Array.from(p as Float32Array).reduce((s, v) => s + v, 0)];

describe('functionBackend: what the functions return', () => {
  it('a bare Float32Array from gradient is the one input’s gradient: IG of Σ wᵢxᵢ² is wᵢxᵢ²', async () => {
    const backend = functionBackend({
      forward: ([p]) => [Array.from(p as Float32Array).reduce((s, v, i) => s + (w[i] as number) * v * v, 0)],
      gradient: ([p], [seed]) => Float32Array.from(p as Float32Array, (v, i) => (seed as number) * 2 * (w[i] as number) * v),
    });
    const result = await integratedGradients(backend, x);
    const expected = w.map((wi, i) => wi * (x.data[i] as number) ** 2); // [0.5, -6, 0.5]
    Array.from(result.attributions[0]?.data ?? []).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 5));
    expect(result.reports[0]?.fInput).toBeCloseTo(-5, 5); // Σ wᵢxᵢ², the attributions’ sum
  });

  it('a bare array for a model of two inputs is refused: which input it belongs to is unknown', async () => {
    const backend = functionBackend({ forward: ([a]) => [(a as Float32Array)[0] as number], gradient: () => Float32Array.of(1, 0, 0) });
    await expectRefusal(
      () => integratedGradients(backend, [x, tensor([1], [1, 1])]),
      BackendContractError,
      'function: gradient returned one array of numbers at point 0 for a model with 2 inputs; return one array per input',
    );
  });

  it('gradient or forward returning undefined, or an input’s gradient that is not an array', async () => {
    await expectRefusal(
      () => integratedGradients(functionBackend(loose({ forward: sumForward, gradient: () => undefined })), x),
      BackendContractError,
      'function: gradient returned undefined at point 0; it must return one array per model input, or { value, gradients }',
    );
    await expectRefusal(
      () => integratedGradients(functionBackend(loose({ forward: () => undefined, gradient: () => [new Float32Array(3)] })), x),
      BackendContractError,
      'function: forward returned undefined at point 0; it must return the outputs as a Float32Array or number[]',
    );
    await expectRefusal(
      () => integratedGradients(functionBackend(loose({ forward: sumForward, gradient: () => [null] })), x),
      BackendContractError,
      'function: gradient of input 0 at point 0 is null; it must be a Float32Array or number[] of 3 values',
    );
  });

  it('an incomplete pair of functions is refused when the backend is made', async () => {
    const onlyForward = { forwardBatch: ({ count }: { count: number }) => new Float32Array(count) } as unknown as BatchFunctions;
    await expectRefusal(
      () => functionBackend(onlyForward),
      BackendContractError,
      'function: functionBackend needs forwardBatch and gradientBatch, but gradientBatch is undefined; give forward and gradient (per point) or forwardBatch and gradientBatch (per batch)',
    );
    await expectRefusal(
      () => functionBackend(loose({ forward: sumForward }), 'mine'),
      BackendContractError,
      'mine: functionBackend needs forward and gradient, but gradient is undefined; give forward and gradient (per point) or forwardBatch and gradientBatch (per batch)',
    );
  });
});
