import { describe, expect, it } from 'vitest';
import { attribute, InvalidOptionError, noiseTunnel, reduceChannels, saliency, ShapeMismatchError, tensor } from '../../src/index.js';
import { weightedSquares } from '../helpers/closed-forms.js';
import { relativeDeviation } from '@ig/browser-harness/measure';

const w = [0.5, -1.5, 2];
const form = weightedSquares(w);
const x = [1, 2, -0.5];
const noise = [
  [0.1, -0.2, 0.05],
  [-0.3, 0.15, 0.2],
  [0.02, 0.4, -0.1],
];
// Saliency of Σ wᵢxᵢ² at x + ε is 2wᵢ(xᵢ + εᵢ).
const perSample = noise.map((eps) => w.map((wi, i) => 2 * wi * ((x[i] as number) + (eps[i] as number))));
const mean = (k: number, f: (v: number) => number = (v) => v): number => perSample.reduce((s, a) => s + f(a[k] as number), 0) / perSample.length;

describe('noise over any method (NoiseTunnel)', () => {
  const replay = { samples: 3, replay: (s: number) => Float32Array.from(noise[s] as number[]) };
  it('smoothgrad, smoothgrad-sq and vargrad over saliency with replayed noise match the closed forms', async () => {
    const input = [tensor(x, [1, 3])];
    const sg = await noiseTunnel(saliency, form.backend, input, {}, { ...replay, kind: 'smoothgrad' });
    const sq = await noiseTunnel(saliency, form.backend, input, {}, { ...replay, kind: 'smoothgrad-sq' });
    const vg = await attribute(form.backend, input, { algorithm: 'saliency', noise: { ...replay, kind: 'vargrad' } });
    expect(
      relativeDeviation(
        sg.attributions[0]?.data as Float32Array,
        [0, 1, 2].map((k) => mean(k)),
      ),
    ).toBeLessThan(1e-7);
    expect(
      relativeDeviation(
        sq.attributions[0]?.data as Float32Array,
        [0, 1, 2].map((k) => mean(k, (v) => v * v)),
      ),
    ).toBeLessThan(1e-7);
    // A variance of values ~6 that differ by ~1: cancellation costs a few float32 ulps of the mean square.
    expect(
      relativeDeviation(
        vg.attributions[0]?.data as Float32Array,
        [0, 1, 2].map((k) => mean(k, (v) => v * v) - mean(k) ** 2),
        0.1,
      ),
    ).toBeLessThan(2e-6);
    expect(sg.gradientEvaluations).toBe(3);
  });

  it('drawn noise is seeded: the same seed gives the same result, another seed another', async () => {
    const input = tensor(x, [1, 3]);
    const a = await attribute(form.backend, input, { algorithm: 'input-x-gradient', noise: { samples: 4, stdev: 0.2, seed: 7 } });
    const b = await attribute(form.backend, input, { algorithm: 'input-x-gradient', noise: { samples: 4, stdev: 0.2, seed: 7 } });
    const c = await attribute(form.backend, input, { algorithm: 'input-x-gradient', noise: { samples: 4, stdev: 0.2, seed: 8 } });
    expect(Array.from(a.attributions[0]?.data as Float32Array)).toEqual(Array.from(b.attributions[0]?.data as Float32Array));
    expect(Array.from(a.attributions[0]?.data as Float32Array)).not.toEqual(Array.from(c.attributions[0]?.data as Float32Array));
  });

  it('refuses an unknown kind and an unknown algorithm with typed errors', async () => {
    await expect(attribute(form.backend, tensor(x, [1, 3]), { noise: { kind: 'gauss' as 'vargrad' } })).rejects.toThrow(InvalidOptionError);
    await expect(attribute(form.backend, tensor(x, [1, 3]), { algorithm: 'lime' as 'saliency' })).rejects.toThrow(/algorithm must be one of/);
  });
});

describe('reduceChannels', () => {
  // One image, 2 channels × 1 × 3 pixels (NCHW): channel 0 = [1, −2, 3], channel 1 = [−4, 5, 0.5].
  const nchw = tensor([1, -2, 3, -4, 5, 0.5], [1, 2, 1, 3]);
  const nhwc = tensor([1, -4, -2, 5, 3, 0.5], [1, 1, 3, 2]);
  const expected = { sum: [-3, 3, 3.5], mean: [-1.5, 1.5, 1.75], min: [-4, -2, 0.5], max: [1, 5, 3], 'abs-sum': [5, 7, 3.5] } as const;
  for (const [reducer, values] of Object.entries(expected)) {
    it(`${reducer} over the channels, in both layouts`, () => {
      const a = reduceChannels(nchw, reducer as keyof typeof expected, 'NCHW');
      const b = reduceChannels(nhwc, reducer as keyof typeof expected, 'NHWC');
      expect(a.shape).toEqual([1, 1, 3]);
      expect(Array.from(a.data)).toEqual(values);
      expect(Array.from(b.data)).toEqual(values);
    });
  }
  it('refuses a non-image attribution', () => {
    expect(() => reduceChannels(tensor([1, 2], [1, 2]), 'sum', 'NCHW')).toThrow(ShapeMismatchError);
  });
});
