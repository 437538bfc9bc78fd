import { describe, expect, it } from 'vitest';
import { InvalidOptionError, seededRandom, smoothIntegratedGradients, tensor } from '../src/index.js';
import { weightedSquares } from './helpers/closed-forms.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

const w = [0.5, -1.5, 2];
const form = weightedSquares(w);
const x = tensor([1, 2, -0.5], [1, 3]);
const baseline = tensor([0.2, 0.2, 0.2], [1, 3]);
const noise = [
  [0.1, -0.2, 0.05],
  [-0.3, 0.15, 0.2],
  [0.02, 0.4, -0.1],
];
// IG of Σ wᵢxᵢ² at x + ε: wᵢ((xᵢ + εᵢ)² − x'ᵢ²).
const perSample = noise.map((eps) => w.map((wi, i) => wi * (((x.data[i] as number) + (eps[i] as number)) ** 2 - (baseline.data[i] as number) ** 2)));
const mean = (k: number, f: (v: number) => number = (v) => v): number => perSample.reduce((s, a) => s + f(a[k] as number), 0) / perSample.length;

describe('SmoothGrad over Integrated Gradients', () => {
  const replay = { baselines: baseline, samples: 3, noise: (s: number) => Float32Array.from(noise[s] as number[]) };
  it('smoothgrad, smoothgrad-squared and vargrad with replayed noise match the closed forms', async () => {
    const sg = await smoothIntegratedGradients(form.backend, x, { ...replay, kind: 'smoothgrad' });
    const sq = await smoothIntegratedGradients(form.backend, x, { ...replay, kind: 'smoothgrad-squared' });
    const vg = await smoothIntegratedGradients(form.backend, x, { ...replay, kind: 'vargrad' });
    const expected = {
      sg: [0, 1, 2].map((k) => mean(k)),
      sq: [0, 1, 2].map((k) => mean(k, (v) => v * v)),
      vg: [0, 1, 2].map((k) => mean(k, (v) => v * v) - mean(k) ** 2),
    };
    const deviations = {
      sg: relativeDeviation(sg.attributions[0]?.data as Float32Array, expected.sg),
      sq: relativeDeviation(sq.attributions[0]?.data as Float32Array, expected.sq),
      // the variance cancels E[a²] − E[a]²: measured against max E[a²]
      vg: relativeDeviation(vg.attributions[0]?.data as Float32Array, expected.vg, Math.max(...expected.sq)),
    };
    measure('smooth', deviations);
    // float32: measured 4.0e-8, 1.8e-7, 7.0e-8
    expect(deviations.sg).toBeLessThan(3e-7);
    expect(deviations.sq).toBeLessThan(6e-7);
    expect(deviations.vg).toBeLessThan(5e-7);
    expect(sg.sampleReports).toHaveLength(3);
    // Gauss–Legendre is exact for the quadratic: float32 rounding only (measured ≤ 1.5e-7)
    for (const reports of sg.sampleReports) expect(reports[0]?.relativeError).toBeLessThan(6e-7);
    measure('smooth completeness', { worst: Math.max(...sg.sampleReports.map((r) => r[0]?.relativeError ?? NaN)) });
  });

  it('draws reproducible Gaussian noise from a seed', async () => {
    const a = await smoothIntegratedGradients(form.backend, x, { baselines: baseline, samples: 4, stdev: 0.3, seed: 7 });
    const b = await smoothIntegratedGradients(form.backend, x, { baselines: baseline, samples: 4, stdev: 0.3, seed: 7 });
    const c = await smoothIntegratedGradients(form.backend, x, { baselines: baseline, samples: 4, stdev: 0.3, seed: 8 });
    expect(Array.from(a.attributions[0]?.data ?? [])).toEqual(Array.from(b.attributions[0]?.data ?? []));
    expect(Array.from(a.attributions[0]?.data ?? [])).not.toEqual(Array.from(c.attributions[0]?.data ?? []));
    const zero = await smoothIntegratedGradients(form.backend, x, { baselines: baseline, samples: 2, stdev: 0 });
    const noNoise = relativeDeviation(
      zero.attributions[0]?.data as Float32Array,
      w.map((wi, i) => wi * ((x.data[i] as number) ** 2 - 0.04)),
    );
    measure('smooth stdev 0', { noNoise });
    // float32: measured 1.2e-8
    expect(noNoise).toBeLessThan(1e-7);
  });

  it('the generator’s normal draws have mean 0 and variance 1', () => {
    const random = seededRandom(123);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = random.normal();
      s += v;
      s2 += v * v;
    }
    // Standard errors: 1/√n ≈ 0.0022 for the mean, √(2/n) ≈ 0.0032 for the variance.
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.015);
  });

  it('rejects bad options by name', async () => {
    await expect(smoothIntegratedGradients(form.backend, x, { kind: 'mean' as never })).rejects.toThrow(InvalidOptionError);
    await expect(smoothIntegratedGradients(form.backend, x, { samples: 0 })).rejects.toThrow('samples must be an integer ≥ 1, got 0');
    await expect(smoothIntegratedGradients(form.backend, x, { stdev: -1 })).rejects.toThrow('stdev for input 0 must be a finite number ≥ 0, got -1');
    await expect(smoothIntegratedGradients(form.backend, x, { noise: () => new Float32Array(2) })).rejects.toThrow(
      'noise for sample 0, input 0 has 2 values; the input has 3',
    );
  });
});
