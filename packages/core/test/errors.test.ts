import { describe, expect, it } from 'vitest';
import { functionBackend, integratedGradients, noiseTunnel, NonFiniteError, ShapeMismatchError, tensor, type GradientBackend } from '../src/index.js';
import { weightedSquares } from './helpers/closed-forms.js';

const square = weightedSquares([1, 1, 1]).backend;
const x = tensor([1, 2, 3], [1, 3]);

/** Returns NaN in feature 2's gradient once its value 3α passes 2. */
const nanAfterHalf: GradientBackend = functionBackend({
  forward: ([v]) => [Array.from(v as Float32Array).reduce((s, t) => s + t, 0)],
  gradient: ([v]) => [Float32Array.from(v as Float32Array, (t, i) => (i === 2 && t > 2 ? Number.NaN : 1))],
});

describe('typed errors that name what is wrong', () => {
  it('input shapes: data length, missing batch axis, differing batch sizes', async () => {
    await expect(integratedGradients(square, { data: new Float32Array(3), shape: [1, 4] })).rejects.toThrow(
      new ShapeMismatchError('input 0: shape [1, 4] holds 4 values but data has 3'),
    );
    await expect(integratedGradients(square, { data: new Float32Array(3), shape: [] })).rejects.toThrow(/holds 1 values but data has 3/);
    await expect(integratedGradients(square, [tensor([1, 2], [2, 1]), tensor([1], [1, 1])])).rejects.toThrow(
      'input 1 has 1 examples (shape [1, 1]) but input 0 has 2',
    );
    await expect(integratedGradients(square, { data: new Float32Array(0), shape: [0, 3] })).rejects.toThrow(/the batch is empty/);
  });

  it('NaN/Inf in inputs, with example and feature', async () => {
    const err = await integratedGradients(square, tensor([1, 2, 3, 4, Number.POSITIVE_INFINITY, 6], [2, 3])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as Error).message).toBe('input 0 has Infinity at flat index 4 (example 1, feature 1)');
  });

  it('NaN in a returned gradient names the input, feature, example and path step', async () => {
    const err = await integratedGradients(nanAfterHalf, x, { steps: 4, method: 'riemann-right' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    // Right Riemann alphas 0.25, 0.5, 0.75, 1: feature 2 is 3α > 2 first at step 2.
    expect((err as Error).message).toBe('gradient of input 0 has NaN at flat index 2 (example 0, path step 2, alpha 0.750000)');
  });

  it('NaN in the model output at the baseline', async () => {
    const nanAtZero = functionBackend({
      forward: ([v]) => [1 / ((v as Float32Array)[0] as number) - Infinity * 0],
      gradient: ([v]) => [new Float32Array((v as Float32Array).length)],
    });
    await expect(integratedGradients(nanAtZero, x)).rejects.toThrow('model output at the input has NaN at flat index 0 (example 0)');
  });

  it('NaN in the model output at a noisy copy says that the copy, not the input, was run', async () => {
    // NaN where the first feature is negative: x₀ = 1 is fine, x₀ + ε with ε = −2 (replayed) is not.
    const nanBelowZero = functionBackend({
      forward: ([v]) => [Math.sqrt((v as Float32Array)[0] as number)],
      gradient: ([v]) => [new Float32Array((v as Float32Array).length)],
    });
    await expect(integratedGradients(nanBelowZero, x)).resolves.toBeDefined();
    const replay = (sample: number): Float32Array => Float32Array.of(sample === 1 ? -2 : 0, 0, 0);
    const err = await noiseTunnel(integratedGradients, nanBelowZero, x, {}, { samples: 3, replay }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as Error).message).toBe(
      'model output at the input has NaN at flat index 0 (example 0), in noisy sample 2 of 3: the method ran at the input plus noise, not at the input itself',
    );
  });

  it('steps, tolerance, batch size and custom rules out of range', async () => {
    await expect(integratedGradients(square, x, { steps: 0 })).rejects.toThrow('steps must be an integer ≥ 1, got 0');
    await expect(integratedGradients(square, x, { steps: 1, method: 'riemann-trapezoid' })).rejects.toThrow(/≥ 2 for riemann-trapezoid/);
    await expect(integratedGradients(square, x, { tolerance: -1 })).rejects.toThrow('tolerance must be a positive number, got -1');
    await expect(integratedGradients(square, x, { batchSize: 0 })).rejects.toThrow('batchSize must be an integer ≥ 1, got 0');
    await expect(integratedGradients(square, x, { method: { alphas: [0.5, 1.5], weights: [0.5, 0.5] } })).rejects.toThrow(
      'custom quadrature rule: alphas[1] = 1.5 is not in [0, 1]',
    );
    await expect(integratedGradients(square, x, { method: { alphas: [0.5], weights: [0.5, 0.5] } })).rejects.toThrow(
      'custom quadrature rule has 1 alphas but 2 weights',
    );
  });

  it('a backend that breaks the contract', async () => {
    const short: GradientBackend = { ...square, gradients: async (r) => ({ objective: new Float32Array(r.count), gradients: [new Float32Array(1)] }) };
    await expect(integratedGradients(short, x, { steps: 4 })).rejects.toMatchObject({
      code: 'BACKEND_CONTRACT',
      message: expect.stringContaining('gradient of input 0 has 1 values, expected 12 (4 points)'),
    });
  });

  it('an already aborted signal stops before any backend call', async () => {
    let calls = 0;
    const spy: GradientBackend = {
      ...square,
      predict: async (b) => {
        calls++;
        return square.predict(b);
      },
    };
    await expect(integratedGradients(spy, x, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(calls).toBe(0);
  });
});
