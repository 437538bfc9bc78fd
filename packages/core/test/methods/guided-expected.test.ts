import { describe, expect, it } from 'vitest';
import { expectedGradients, guidedIG, integratedGradients, ShapeMismatchError, tensor } from '../../src/index.js';
import { weightedSquares } from '../helpers/closed-forms.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';
import { linearModel } from './models.js';

const w = [0.5, -1.2, 2, 0.3, 1, -0.7];
const x = [0.9, -1.3, 0.4, 1.7, -0.6, 0.25];
const b = [0.2, 0.5, -0.3, 0.1, 0.7, 0];

describe('Guided IG', () => {
  it('on a linear model equals IG, w ⊙ (x − x′), whatever the order the features move in', async () => {
    const result = await guidedIG(linearModel(w), tensor(x, [1, 6]), { baselines: tensor(b, [1, 6]) });
    const deviation = relativeDeviation(
      result.attributions[0]?.data as Float32Array,
      w.map((wi, i) => wi * ((x[i] as number) - (b[i] as number))),
    );
    measure('guided-ig linear', { deviation });
    // The moves sum to x − x′ in float64; rounded once to float32: measured 4.4e-8.
    expect(deviation).toBeLessThan(1e-7);
    expect(result.gradientEvaluations).toBe(200);
    expect(Math.abs(result.reports[0]?.delta as number)).toBeLessThan(1e-6);
  });

  it('with maxDist 0 is IG by the left Riemann rule on the straight path', async () => {
    const form = weightedSquares(w);
    const guided = await guidedIG(form.backend, tensor(x, [1, 6]), { baselines: tensor(b, [1, 6]), steps: 16, maxDist: 0 });
    const ig = await integratedGradients(form.backend, tensor(x, [1, 6]), { baselines: tensor(b, [1, 6]), steps: 16, method: 'riemann-left' });
    const deviation = relativeDeviation(guided.attributions[0]?.data as Float32Array, ig.attributions[0]?.data as Float32Array);
    measure('guided-ig maxDist 0', { deviation });
    // The same points and weights; the sums differ in rounding only: measured 8.0e-8.
    expect(deviation).toBeLessThan(3e-7);
  });

  it('on a quadratic moves the small-gradient features first and keeps completeness as steps grow', async () => {
    const form = weightedSquares(w);
    const errors: number[] = [];
    for (const steps of [100, 400]) {
      const result = await guidedIG(form.backend, tensor(x, [1, 6]), { baselines: tensor(b, [1, 6]), steps, maxDist: 1 });
      errors.push(result.reports[0]?.relativeError as number);
    }
    measure('guided-ig quadratic completeness', { e100: errors[0] as number, e400: errors[1] as number });
    // A left Riemann sum along the path: first order in 1/steps, measured 1.4e-1 → 3.5e-2 (4× the steps, 4× less).
    expect(errors[1]).toBeLessThan((errors[0] as number) / 3);
  });
});

describe('Expected Gradients', () => {
  const references = tensor([...b, ...x.map((v) => -v), ...x.map((v) => v / 3)], [3, 6]);

  it('on a linear model equals w ⊙ (x − mean of the drawn references), with exact completeness against them', async () => {
    const result = await expectedGradients(linearModel(w), tensor(x, [1, 6]), { references, samples: 64, seed: 3 });
    const again = await expectedGradients(linearModel(w), tensor(x, [1, 6]), { references, samples: 64, seed: 3 });
    expect(Array.from(again.attributions[0]?.data as Float32Array)).toEqual(Array.from(result.attributions[0]?.data as Float32Array));
    // For a linear model the attribution is w ⊙ (x − r̄), r̄ the mean of the 64 drawn rows: some
    // mix (c₀·row₀ + c₁·row₁ + c₂·row₂)/64 with whole counts. Every mix is tried.
    const attr = result.attributions[0]?.data as Float32Array;
    const rows = [0, 1, 2].map((r) => Array.from(references.data.subarray(r * 6, (r + 1) * 6)));
    let best = { deviation: Infinity, counts: [0, 0, 0] };
    for (let c0 = 0; c0 <= 64; c0++) {
      for (let c1 = 0; c0 + c1 <= 64; c1++) {
        const c2 = 64 - c0 - c1;
        const expected = w.map(
          (wi, i) => wi * ((x[i] as number) - (c0 * (rows[0]?.[i] as number) + c1 * (rows[1]?.[i] as number) + c2 * (rows[2]?.[i] as number)) / 64),
        );
        const deviation = relativeDeviation(attr, expected);
        if (deviation < best.deviation) best = { deviation, counts: [c0, c1, c2] };
      }
    }
    measure('expected-gradients linear', { deviation: best.deviation });
    expect(best.deviation).toBeLessThan(2e-7);
    // Uniform draws: each row drawn roughly a third of the time.
    for (const count of best.counts) expect(count).toBeGreaterThan(10);
    const different = await expectedGradients(linearModel(w), tensor(x, [1, 6]), { references, samples: 64, seed: 4 });
    expect(Array.from(different.attributions[0]?.data as Float32Array)).not.toEqual(Array.from(attr));
  });

  it('refuses references whose points differ from the input', async () => {
    await expect(expectedGradients(linearModel(w), tensor(x, [1, 6]), { references: tensor([1, 2, 3], [1, 3]) })).rejects.toThrow(ShapeMismatchError);
  });
});
