import { describe, expect, it } from 'vitest';
import { integratedGradients, QUADRATURE_METHODS, tensor } from '../src/index.js';
import { product, softplusOfLinear, weightedSquares, type ClosedForm } from './helpers/closed-forms.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

const x = [0.9, -1.3, 0.4, 1.7, -0.6];
const baselines = { zero: [0, 0, 0, 0, 0], shifted: [0.2, 0.5, -0.3, 0.1, 0.7] };
const forms: ClosedForm[] = [weightedSquares([0.5, -1.2, 2, 0.3, 1]), product(5), softplusOfLinear([0.7, -0.4, 1.1, 0.25, -0.9], 0.3)];

/**
 * Float32 against the exact integral (Gauss–Legendre 50 is exact to float64 here): measured
 * 2.3e-7 of max |attr|, 1.5e-7 and 9.8e-8 of Σ |attr| (sum, delta).
 */
const TOL_CLOSED = { attr: 7e-7, sum: 5e-7, delta: 3e-7 };

describe('closed-form Integrated Gradients', () => {
  for (const form of forms) {
    for (const [name, b] of Object.entries(baselines)) {
      it(`${form.name}, ${name} baseline: Gauss–Legendre 50 matches at float32 tolerance, and completeness holds`, async () => {
        const expected = form.expected(x, b);
        const result = await integratedGradients(form.backend, tensor(x, [1, 5]), { baselines: tensor(b, [1, 5]) });
        const attr = result.attributions[0]?.data as Float32Array;
        const report = result.reports[0];
        const total = expected.reduce((s, v) => s + v, 0);
        const l1 = expected.reduce((s, v) => s + Math.abs(v), 0);
        const measured = {
          attr: relativeDeviation(attr, expected),
          sum: Math.abs((report?.attributionSum as number) - total) / l1,
          delta: Math.abs(report?.delta as number) / l1,
        };
        measure(`${form.name} ${name}`, measured);
        expect(measured.attr).toBeLessThan(TOL_CLOSED.attr);
        expect(measured.sum).toBeLessThan(TOL_CLOSED.sum);
        expect(measured.delta).toBeLessThan(TOL_CLOSED.delta);
      });
    }
  }

  it('every fixed rule converges to the closed form as steps grow', async () => {
    const form = softplusOfLinear([0.7, -0.4, 1.1, 0.25, -0.9], 0.3);
    const expected = form.expected(x, baselines.shifted);
    for (const method of QUADRATURE_METHODS) {
      const errorAt = async (steps: number): Promise<number> => {
        const r = await integratedGradients(form.backend, tensor(x, [1, 5]), { baselines: tensor(baselines.shifted, [1, 5]), method, steps });
        return Math.max(...expected.map((e, i) => Math.abs((r.attributions[0]?.data[i] as number) - e)));
      };
      const coarse = await errorAt(5);
      const fine = await errorAt(200);
      measure(`converge ${method}`, { coarse, fine });
      // Not float32 bounds: each rule's error order from 5 to 200 steps. Left and right are
      // O(1/n) (ratio 1/40; measured 0.024, 0.026), middle and trapezoid O(1/n²) (1/1600;
      // measured 7.8e-4, 3.9e-4); Gauss–Legendre and Clenshaw–Curtis reach the float32 floor
      // already at 5 (measured 1.2e-7 at 200).
      if (method === 'riemann-left' || method === 'riemann-right') expect(fine / coarse).toBeLessThan(0.05);
      else if (method === 'riemann-middle' || method === 'riemann-trapezoid') expect(fine / coarse).toBeLessThan(2e-3);
      else expect(fine).toBeLessThan(1e-6);
    }
  });
});
