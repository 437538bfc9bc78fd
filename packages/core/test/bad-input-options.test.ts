import { describe, expect, it } from 'vitest';
import {
  expectedGradients,
  integratedGradients,
  InvalidOptionError,
  tensor,
  TargetError,
  type ExpectedGradientsOptions,
  type IntegratedGradientsOptions,
  type TargetSpec,
} from '../src/index.js';
import { weightedSquares } from './helpers/closed-forms.js';
import { expectRefusal } from './helpers/refusal.js';

const form = weightedSquares([1, 2]);
const x = tensor([1, 2], [1, 2]);
/** Options as JavaScript callers write them, past the types. */
const loose = (options: Record<string, unknown>): IntegratedGradientsOptions => options as IntegratedGradientsOptions;

describe('malformed options are typed errors that name the option and what it got', () => {
  it('method: null names the methods accepted', async () => {
    await expectRefusal(
      () => integratedGradients(form.backend, x, loose({ method: null })),
      InvalidOptionError,
      'method must be one of gauss-legendre, riemann-left, riemann-right, riemann-middle, riemann-trapezoid, clenshaw-curtis or a custom rule { alphas, weights }, got null',
    );
  });

  it('a custom rule without alphas or with weights that are not an array', async () => {
    await expectRefusal(
      () => integratedGradients(form.backend, x, loose({ method: { weights: [1] } })),
      InvalidOptionError,
      'custom quadrature rule: alphas must be an array of numbers, got undefined',
    );
    await expectRefusal(
      () => integratedGradients(form.backend, x, loose({ method: { alphas: [0.5], weights: '1' } })),
      InvalidOptionError,
      'custom quadrature rule: weights must be an array of numbers, got the string "1"',
    );
  });

  it('a well-formed custom rule still runs: the midpoint rule is exact for F = x₀² + 2x₁²', async () => {
    const result = await integratedGradients(form.backend, x, { method: { alphas: [0.5], weights: [1] } });
    // IGᵢ = wᵢxᵢ² with a zero baseline: [1, 8].
    expect(Array.from(result.attributions[0]?.data ?? [])).toEqual([1, 8]);
  });

  it('target.weights that are null or a string name the type', async () => {
    const withTarget = (target: unknown): IntegratedGradientsOptions => ({ target: target as TargetSpec });
    await expectRefusal(
      () => integratedGradients(form.backend, x, withTarget({ weights: null })),
      TargetError,
      'target.weights must be an array of numbers or a Float32Array, got null',
    );
    await expectRefusal(
      () => integratedGradients(form.backend, x, withTarget({ weights: '1' })),
      TargetError,
      'target.weights must be an array of numbers or a Float32Array, got the string "1"',
    );
    await expectRefusal(
      () => integratedGradients(form.backend, x, withTarget({ weights: ['1'] })),
      TargetError,
      'target.weights[0] must be a number, got the string "1"',
    );
  });

  it('steps given as a string says that it must be a number', async () => {
    await expectRefusal(
      () => integratedGradients(form.backend, x, loose({ steps: '50' })),
      InvalidOptionError,
      'steps must be a number (an integer ≥ 1), got the string "50"',
    );
    await expectRefusal(
      () => integratedGradients(form.backend, x, loose({ tolerance: '0.1' })),
      InvalidOptionError,
      'tolerance must be a positive number, got the string "0.1"',
    );
  });

  it('expectedGradients without options or without references says references are required', async () => {
    const message = 'expected-gradients needs references: the reference set baselines are drawn from';
    const call = expectedGradients as (...args: unknown[]) => Promise<unknown>;
    await expectRefusal(() => call(form.backend, x), InvalidOptionError, message);
    await expectRefusal(() => expectedGradients(form.backend, x, {} as ExpectedGradientsOptions), InvalidOptionError, message);
  });
});
