import { describe, expect, it } from 'vitest';
import { InvalidOptionError, integratedGradients, tensor } from '../src/index.js';
import { product, softplusOfLinear } from './helpers/closed-forms.js';
import { counting } from './helpers/counting.js';
import { irisMlpBackend } from './helpers/iris-mlp.js';
import { captumData } from '@ig/test-fixtures';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

const x = tensor([0.9, -1.3, 0.4, 1.7, -0.6], [1, 5]);
const baseline = tensor([0.2, 0.5, -0.3, 0.1, 0.7], [1, 5]);

describe("steps: 'auto', autoRule: 'nested'", () => {
  it('reaches the tolerance on a smooth function with fewer gradient evaluations than 50-step Gauss–Legendre, each point computed once', async () => {
    const form = softplusOfLinear([2.7, -1.4, 3.1, 1.25, -2.9], 0.3);
    const backend = counting(form.backend);
    const result = await integratedGradients(backend, x, { baselines: baseline, steps: 'auto', autoRule: 'nested', tolerance: 1e-4 });
    const report = result.reports[0];
    expect(report?.relativeError).toBeLessThanOrEqual(1e-4);
    expect(report?.warning).toBeUndefined();
    // Nested grids: the evaluations are exactly the points of the final grid.
    expect(backend.points).toBe(report?.steps);
    expect(result.gradientEvaluations).toBe(backend.points);
    expect(backend.points).toBeLessThan(50);
    expect([5, 9, 17, 33]).toContain(report?.steps);
    const expected = form.expected(x.data, baseline.data);
    const deviation = relativeDeviation(result.attributions[0]?.data as Float32Array, expected);
    measure('auto smooth', { deviation, relativeError: report?.relativeError ?? NaN, steps: report?.steps ?? NaN });
    // Not float32: the rule stops at the requested 1e-4 completeness error (measured 3.3e-5 after
    // 17 points); the attributions sit as close to the closed form (measured 3.3e-5 of max |attr|).
    expect(deviation).toBeLessThan(1e-4);
  });

  it('a polynomial path integrand of degree 4 converges at the first level (Romberg is exact)', async () => {
    const backend = counting(product(5).backend);
    const result = await integratedGradients(backend, x, { baselines: baseline, steps: 'auto', autoRule: 'nested', tolerance: 1e-6 });
    // Level 2 has no extrapolation, level 3 is Simpson (exact to degree 3), level 4 Boole (degree 5).
    const deviation = relativeDeviation(result.attributions[0]?.data as Float32Array, product(5).expected(x.data, baseline.data));
    measure('auto polynomial', { relativeError: result.reports[0]?.relativeError ?? NaN, points: backend.points, deviation });
    // Exact up to float32 rounding: measured 5.3e-8 (completeness) and 1.5e-7 of max |attr|.
    expect(result.reports[0]?.relativeError).toBeLessThanOrEqual(3e-7);
    expect(deviation).toBeLessThan(5e-7);
    expect(backend.points).toBeLessThanOrEqual(17);
    expect(result.reports[0]?.refinement).toBeUndefined();
  });

  it('reaches 1% on the iris MLP (ReLU kinks) and reports the steps used', async () => {
    const backend = counting(irisMlpBackend());
    const input = captumData('iris_mlp', 'input_batch3');
    const result = await integratedGradients(backend, input, { target: [0, 1, 2], steps: 'auto', autoRule: 'nested' });
    for (const report of result.reports) {
      expect(report.relativeError).toBeLessThanOrEqual(0.01);
      expect(report.steps).toBeGreaterThanOrEqual(5);
    }
    expect(backend.points).toBe(result.reports.reduce((s, r) => s + r.steps, 0));
  });

  it('stops at maxSteps with a warning when the tolerance cannot be met', async () => {
    const form = softplusOfLinear([30, -20, 25, 10, -15], 0);
    const result = await integratedGradients(form.backend, x, { baselines: baseline, steps: 'auto', autoRule: 'nested', tolerance: 1e-9, maxSteps: 17 });
    expect(result.reports[0]?.steps).toBe(17);
    expect(result.reports[0]?.warning).toMatch(/completeness error .* exceeds the tolerance/);
    expect(result.warnings).toHaveLength(1);
  });

  it('refuses a method together with auto steps, and an unknown autoRule', async () => {
    await expect(integratedGradients(product(5).backend, x, { steps: 'auto', method: 'riemann-left' })).rejects.toThrow(InvalidOptionError);
    // @ts-expect-error: not an AutoRule
    await expect(integratedGradients(product(5).backend, x, { steps: 'auto', autoRule: 'doubling' })).rejects.toThrow(
      /autoRule must be one of adaptive, nested, got "doubling"/,
    );
  });
});
