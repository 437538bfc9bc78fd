import { describe, expect, it } from 'vitest';
import { integratedGradients, QUADRATURE_METHODS, tensor } from '../src/index.js';
import { product, softplusOfLinear, weightedSquares, type ClosedForm } from './helpers/closed-forms.js';

const x = [0.9, -1.3, 0.4, 1.7, -0.6];
const baselines = { zero: [0, 0, 0, 0, 0], shifted: [0.2, 0.5, -0.3, 0.1, 0.7] };
const forms: ClosedForm[] = [weightedSquares([0.5, -1.2, 2, 0.3, 1]), product(5), softplusOfLinear([0.7, -0.4, 1.1, 0.25, -0.9], 0.3)];

describe('closed-form Integrated Gradients', () => {
  for (const form of forms) {
    for (const [name, b] of Object.entries(baselines)) {
      it(`${form.name}, ${name} baseline: Gauss–Legendre 50 matches to 1e-6, and completeness holds`, async () => {
        const expected = form.expected(x, b);
        const result = await integratedGradients(form.backend, tensor(x, [1, 5]), { baselines: tensor(b, [1, 5]) });
        const attr = result.attributions[0]?.data as Float32Array;
        expected.forEach((e, i) => expect(Math.abs((attr[i] as number) - e)).toBeLessThan(1e-6));
        const report = result.reports[0];
        expect(Math.abs((report?.attributionSum as number) - expected.reduce((s, v) => s + v, 0))).toBeLessThan(1e-6);
        expect(Math.abs(report?.delta as number)).toBeLessThan(1e-6);
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
      expect(fine).toBeLessThan(2e-3);
      expect(fine).toBeLessThanOrEqual(coarse + 1e-7);
    }
  });
});
