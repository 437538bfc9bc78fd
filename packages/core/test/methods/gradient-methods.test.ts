import { describe, expect, it } from 'vitest';
import { inputXGradient, integratedGradients, integratedGradientsMethod, saliency, tensor } from '../../src/index.js';
import { weightedSquares } from '../helpers/closed-forms.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

const w = [0.5, -1.2, 2, 0.3, 1];
const form = weightedSquares(w);
const x = [0.9, -1.3, 0.4, 1.7, -0.6];
const b = [0.2, 0.5, -0.3, 0.1, 0.7];

describe('gradient methods on F(x) = Σ wᵢxᵢ²', () => {
  it('saliency is ∇F(x) = 2w ⊙ x, signed, and |2w ⊙ x| with abs', async () => {
    const signed = await saliency(form.backend, tensor(x, [1, 5]));
    const absolute = await saliency(form.backend, tensor(x, [1, 5]), { abs: true });
    const expected = w.map((wi, i) => 2 * wi * (x[i] as number));
    expect(relativeDeviation(signed.attributions[0]?.data as Float32Array, expected)).toBeLessThan(1e-7);
    expect(relativeDeviation(absolute.attributions[0]?.data as Float32Array, expected.map(Math.abs))).toBeLessThan(1e-7);
    expect(signed.reports).toEqual([]);
    expect(signed.gradientEvaluations).toBe(1);
  });

  it('input × gradient is x ⊙ 2w ⊙ x', async () => {
    const result = await inputXGradient(form.backend, tensor(x, [1, 5]));
    expect(
      relativeDeviation(
        result.attributions[0]?.data as Float32Array,
        w.map((wi, i) => 2 * wi * (x[i] as number) ** 2),
      ),
    ).toBeLessThan(1e-7);
  });

  it("multiplyByInputs: false gives the path-averaged gradient ∫∇F dα = w ⊙ (x + x') (Captum's multiply_by_inputs=False)", async () => {
    const result = await integratedGradientsMethod(form.backend, tensor(x, [1, 5]), { baselines: tensor(b, [1, 5]), multiplyByInputs: false, steps: 8 });
    const deviation = relativeDeviation(
      result.attributions[0]?.data as Float32Array,
      w.map((wi, i) => wi * ((x[i] as number) + (b[i] as number))),
    );
    measure('multiplyByInputs false', { deviation });
    // Gauss–Legendre 8 integrates the linear gradient exactly; float32 rounding only: measured 4.6e-8.
    expect(deviation).toBeLessThan(4e-7);
    expect(result.reports).toEqual([]);
  });

  it('several targets and several baselines (averaged) go through the engine as through the fast path', async () => {
    const twoOutputs = weightedSquares(w);
    const options = {
      baselines: {
        average: [
          tensor(b, [1, 5]),
          tensor(
            x.map((v) => v / 2),
            [1, 5],
          ),
        ],
      },
      steps: 6,
    };
    const fast = await integratedGradients(twoOutputs.backend, tensor(x, [1, 5]), options);
    const engine = await integratedGradientsMethod(twoOutputs.backend, tensor(x, [1, 5]), { ...options, objective: { ...probabilityFree } });
    expect(relativeDeviation(engine.attributions[0]?.data as Float32Array, fast.attributions[0]?.data as Float32Array)).toBeLessThan(1e-7);
    expect(engine.reports[0]?.fBaseline).toBeCloseTo(fast.reports[0]?.fBaseline as number, 6);
  });
});

/** The linear read-out, declared non-linear so that the engine (not the fused fast path) runs it. */
const probabilityFree = {
  name: 'linear via the engine',
  linear: false,
  value: (z: Float32Array, t: Float32Array) => t.reduce((s, wj, j) => s + wj * (z[j] as number), 0),
  outputWeights: (_z: Float32Array, t: Float32Array, out: Float32Array) => out.set(t),
};
