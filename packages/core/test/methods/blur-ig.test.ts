import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blurIG, gaussianBlur, InvalidOptionError, ShapeMismatchError, tensor } from '../../src/index.js';
import { weightedSquares } from '../helpers/closed-forms.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

interface BlurFixture {
  readonly shape_hwc: [number, number, number];
  readonly image: number[];
  readonly cases: { sigma: number; blurred: number[] }[];
}
// Written by scripts/blur-fixture.py with scipy.ndimage.gaussian_filter.
const fixture = JSON.parse(readFileSync(new URL('../fixtures/gaussian_blur.json', import.meta.url), 'utf8')) as BlurFixture;
const [H, Wd, C] = fixture.shape_hwc;
const image = Float32Array.from(fixture.image);
const toNchw = (hwc: ArrayLike<number>): Float32Array =>
  Float32Array.from({ length: H * Wd * C }, (_, k) => hwc[Math.floor(k / (H * Wd)) + (k % (H * Wd)) * C] as number);

describe('the Gaussian blur of Blur IG against scipy.ndimage.gaussian_filter (mode constant, truncate 4)', () => {
  for (const { sigma, blurred } of fixture.cases) {
    it(`σ = ${sigma}, NHWC and NCHW`, () => {
      const hwc = new Float32Array(image.length);
      gaussianBlur(image, [H, Wd, C], 'NHWC', sigma, hwc);
      const chw = new Float32Array(image.length);
      gaussianBlur(toNchw(image), [C, H, Wd], 'NCHW', sigma, chw);
      const deviation = relativeDeviation(hwc, blurred);
      measure(`blur σ ${sigma}`, { deviation });
      // Float64 sums rounded once to float32 (the input is the float32-rounded fixture image): measured ≤ 1.2e-7.
      expect(deviation).toBeLessThan(6e-7);
      expect(relativeDeviation(chw, toNchw(blurred))).toBeLessThan(6e-7);
    });
  }
});

describe('Blur IG', () => {
  // F(x) = Σ wᵢxᵢ² has ∂F/∂xᵢ = 2wᵢxᵢ, so along any path γ the attribution of feature i is
  // ∫ 2wᵢγᵢ dγᵢ = wᵢ(xᵢ² − γᵢ(start)²): here start = blur(x, maxSigma).
  const size = H * Wd * C;
  const w = Array.from({ length: size }, (_, i) => Math.sin(i + 1));
  const form = weightedSquares(w);
  const maxSigma = 2.5;
  const start = new Float32Array(size);
  gaussianBlur(image, [H, Wd, C], 'NHWC', maxSigma, start);
  const expected = w.map((wi, i) => wi * ((image[i] as number) ** 2 - (start[i] as number) ** 2));

  it('on a quadratic, matches the closed form wᵢ(xᵢ² − blur(x)ᵢ²)', async () => {
    const errors: number[] = [];
    for (const steps of [200, 400]) {
      const result = await blurIG(form.backend, tensor(image, [1, H, Wd, C]), { maxSigma, steps, gradStep: 1e-3, layout: 'NHWC' });
      errors.push(relativeDeviation(result.attributions[0]?.data as Float32Array, expected));
      expect(result.reports[0]?.fBaseline).toBeCloseTo(
        w.reduce((s, wi, i) => s + wi * (start[i] as number) ** 2, 0),
        4,
      );
    }
    measure('blur-ig quadratic', { e200: errors[0] as number, e400: errors[1] as number });
    // Measured 1.74e-3 at both 200 and 400 steps: the Riemann error is already below what is left,
    // the jumps of the reference blur itself. Its kernel radius ⌊4σ + ½⌋ grows in whole pixels, so
    // blur(x, σ) steps by ~exp(−8) of the tail each time; the finite difference over gradStep does
    // not see those steps.
    expect(errors[0]).toBeLessThan(3.5e-3);
    expect(errors[1]).toBeLessThan(3.5e-3);
  });

  it("PAIR's defaults (maxSigma 50, steps 100): completeness is reported against F(x) − F(blur(x, 50)), with a warning when it is off", async () => {
    const result = await blurIG(form.backend, tensor(image, [1, H, Wd, C]));
    expect(result.gradientEvaluations).toBe(100);
    const blurred = new Float32Array(size);
    gaussianBlur(image, [H, Wd, C], 'NHWC', 50, blurred);
    const report = result.reports[0];
    expect(report?.fBaseline).toBeCloseTo(
      w.reduce((s, wi, i) => s + wi * (blurred[i] as number) ** 2, 0),
      5,
    );
    expect(report?.fInput).toBeCloseTo(
      w.reduce((s, wi, i) => s + wi * (image[i] as number) ** 2, 0),
      5,
    );
    // On a 7 × 9 image the first step, σ 0 → 0.5, does most of the blurring while the derivative
    // at σ = 0 (over gradStep 0.01, a kernel of radius 0) is zero: PAIR's path misses it, and
    // the report says so.
    expect(report?.relativeError).toBeGreaterThan(0.5);
    expect(result.warnings[0]).toMatch(/blur-ig completeness error/);
  });

  it('refuses a non-image input and a bad option, naming them', async () => {
    await expect(blurIG(form.backend, tensor(image, [1, size]))).rejects.toThrow(ShapeMismatchError);
    await expect(blurIG(form.backend, tensor(image, [1, H, Wd, C]), { maxSigma: -1 })).rejects.toThrow(/maxSigma/);
    await expect(blurIG(form.backend, tensor(image, [1, H, Wd, C]), { layout: 'CHW' as 'NCHW' })).rejects.toThrow(InvalidOptionError);
  });
});
