import { describe, expect, it } from 'vitest';
import { InvalidOptionError, integratedGradients, integratedGradientsMethod, saliency, tensor, type Objective } from '../../src/index.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';
import { finiteDifference, logits, quadraticLogits, softmax } from './models.js';

const x = [0.7, -1.1, 0.4, 1.3, -0.5];
const baseline = [0.1, 0.2, -0.3, 0.05, 0.4];
const input = tensor(x, [1, 5]);
const target = 1;

const objectives = {
  probability: (v: number[]) => softmax(logits(v))[target] as number,
  'log-probability': (v: number[]) => Math.log(softmax(logits(v))[target] as number),
  logit: (v: number[]) => logits(v)[target] as number,
} as const;

describe('objectives: the chain rule in the core', () => {
  for (const [name, f] of Object.entries(objectives)) {
    it(`${name}: the gradient at the input matches central differences of the objective`, async () => {
      const result = await saliency(quadraticLogits, input, { target, objective: name as keyof typeof objectives });
      const expected = finiteDifference(f, x);
      const deviation = relativeDeviation(result.attributions[0]?.data as Float32Array, expected);
      measure(`objective ${name} vs FD`, { deviation });
      // float32 gradients against float64 differences (h = 1e-5, error ~1e-10): measured ≤ 6.8e-8.
      expect(deviation).toBeLessThan(6e-7);
    });

    it(`${name}: IG's completeness is reported against the objective`, async () => {
      const result = await integratedGradientsMethod(quadraticLogits, input, {
        target,
        objective: name as keyof typeof objectives,
        baselines: tensor(baseline, [1, 5]),
        steps: 32,
      });
      const report = result.reports[0];
      expect(report?.fInput).toBeCloseTo(f(x), 6);
      expect(report?.fBaseline).toBeCloseTo(f(baseline), 6);
      measure(`objective ${name} completeness`, { relativeError: report?.relativeError as number });
      // Gauss–Legendre 32 on a smooth path: the error is float32 rounding, measured ≤ 8.5e-8.
      expect(report?.relativeError).toBeLessThan(8e-7);
    });
  }

  it('margin: the target logit minus the runner-up, differentiated where the runner-up is fixed', async () => {
    const z = logits(x);
    const runnerUp = z.map((v, j) => (j === target ? -Infinity : v)).reduce((best, v, j, all) => (v > (all[best] as number) ? j : best), 0);
    const f = (v: number[]): number => (logits(v)[target] as number) - (logits(v)[runnerUp] as number);
    const result = await saliency(quadraticLogits, input, { target, objective: 'margin' });
    expect(relativeDeviation(result.attributions[0]?.data as Float32Array, finiteDifference(f, x))).toBeLessThan(6e-7);
  });

  it("the linear objective 'logit' through the engine equals the fast straight path to float rounding", async () => {
    const slowLogit: Objective = {
      name: 'logit via the engine',
      linear: false,
      value: (z, t) => t.reduce((s, w, j) => s + w * (z[j] as number), 0),
      outputWeights: (_z, t, out) => out.set(t),
    };
    const options = { target, baselines: tensor(baseline, [1, 5]), steps: 20 };
    const fast = await integratedGradients(quadraticLogits, input, options);
    const engine = await integratedGradientsMethod(quadraticLogits, input, { ...options, objective: slowLogit });
    const deviation = relativeDeviation(engine.attributions[0]?.data as Float32Array, fast.attributions[0]?.data as Float32Array);
    measure('engine vs fast path', { deviation });
    // Both sum float32 gradients at the same float32 points in float64; the engine weights each gradient
    // by its displacement w·(x − x′), the fast path multiplies the sum by (x − x′): measured 1.2e-7, 2 ulp.
    expect(deviation).toBeLessThan(3e-7);
    expect(engine.reports[0]?.delta).toBeCloseTo(fast.reports[0]?.delta as number, 6);
  });

  it('an unknown objective is a typed error naming the choices', async () => {
    await expect(saliency(quadraticLogits, input, { target, objective: 'softmax' as 'probability' })).rejects.toThrow(InvalidOptionError);
    await expect(saliency(quadraticLogits, input, { target, objective: 'softmax' as 'probability' })).rejects.toThrow(
      /logit, probability, log-probability, margin/,
    );
  });
});
