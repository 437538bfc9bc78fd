import { describe, expect, it } from 'vitest';
import { blurIG, functionBackend, gaussianBlur, guidedIG, tensor } from '../../src/index.js';

/** A two-feature model from its gradient; F itself only feeds the completeness report. */
const model = (f: (x: Float32Array) => number, gradient: (x: Float32Array) => number[]) =>
  functionBackend({ forward: ([x]) => [f(x as Float32Array)], gradient: ([x], [seed]) => [gradient(x as Float32Array).map((g) => g * (seed as number))] });

const linear = model(
  (x) => 2 * (x[0] as number) + (x[1] as number),
  () => [2, 1],
);
const independent = model(
  (x) => 2 * (x[0] as number) ** 2 + (x[1] as number) ** 2,
  (x) => [4 * (x[0] as number), 2 * (x[1] as number)],
);
const dependent = model(
  (x) => (2 * (x[0] as number) + (x[1] as number)) ** 2,
  (x) => [8 * (x[0] as number) + 4 * (x[1] as number), 4 * (x[0] as number) + 2 * (x[1] as number)],
);
const attr = async (result: Promise<{ attributions: { data: Float32Array }[] }>): Promise<number[]> =>
  Array.from((await result).attributions[0]?.data as Float32Array);

// The cases and expected values of PAIR saliency's guided_ig_test.py and blur_ig_test.py.
describe("Guided IG: PAIR saliency's published test values", () => {
  it('linear 2x₁ + x₂ from (−1, −3) to (10, 5): IG, [22, 8]', async () => {
    const mask = await attr(guidedIG(linear, tensor([10, 5], [1, 2]), { baselines: tensor([-1, -3], [1, 2]), steps: 10, fraction: 0.1, maxDist: 0.5 }));
    mask.forEach((v, i) => expect(v).toBeCloseTo([22, 8][i] as number, 5));
  });

  it('linear from the zero baseline: [20, 5]', async () => {
    const mask = await attr(guidedIG(linear, tensor([10, 5], [1, 2]), { steps: 10, fraction: 0.1, maxDist: 0.5 }));
    mask.forEach((v, i) => expect(v).toBeCloseTo([20, 5][i] as number, 5));
  });

  it('independent quadratic 2x₁² + x₂² at (3, 3): IG, [18, 9] within 1%', async () => {
    const mask = await attr(guidedIG(independent, tensor([3, 3], [1, 2]), { steps: 1000, fraction: 0.1, maxDist: 0.4 }));
    mask.forEach((v, i) => expect(Math.abs(v - ([18, 9][i] as number)) / ([18, 9][i] as number)).toBeLessThan(0.01));
  });

  it('dependent quadratic (2x₁ + x₂)²: maxDist 0 and fraction 1 give IG [54, 27]; maxDist 1 gives [72, 9]; maxDist 0.2 lies between with completeness 81', async () => {
    const x = tensor([3, 3], [1, 2]);
    const within = (mask: number[], expected: number[]): void =>
      mask.forEach((v, i) => expect(Math.abs(v - (expected[i] as number)) / (expected[i] as number)).toBeLessThan(0.01));
    within(await attr(guidedIG(dependent, x, { steps: 1000, fraction: 0.1, maxDist: 0 })), [54, 27]);
    within(await attr(guidedIG(dependent, x, { steps: 1000, fraction: 1, maxDist: 0.5 })), [54, 27]);
    within(await attr(guidedIG(dependent, x, { steps: 1000, fraction: 0.1, maxDist: 1 })), [72, 9]);
    const bounded = await attr(guidedIG(dependent, x, { steps: 1000, fraction: 0.1, maxDist: 0.2 }));
    expect(Math.abs((bounded[0] as number) + (bounded[1] as number) - 81)).toBeLessThan(0.1);
    expect(bounded[0]).toBeGreaterThan(55);
    expect(bounded[0]).toBeLessThan(71);
    expect(bounded[1]).toBeGreaterThan(10);
    expect(bounded[1]).toBeLessThan(26);
  });
});

describe("Blur IG: PAIR saliency's published test", () => {
  it('Σ sin(x) on a 5×5 image with two bright pixels, maxSigma 10, 4000 steps: sin(x) − sin(blur(x, 10)) to 2 decimals, every pixel attributed', async () => {
    const image = new Float32Array(25);
    image[6] = 0.7;
    image[12] = 1;
    const sines = functionBackend({
      forward: ([x]) => [Array.from(x as Float32Array).reduce((s, v) => s + Math.sin(v), 0)],
      gradient: ([x], [seed]) => [Array.from(x as Float32Array, (v) => (seed as number) * Math.cos(v))],
    });
    const result = await blurIG(sines, tensor(image, [1, 5, 5, 1]), { maxSigma: 10, steps: 4000, layout: 'NHWC' });
    const blurred = new Float32Array(25);
    gaussianBlur(image, [5, 5, 1], 'NHWC', 10, blurred);
    const mask = result.attributions[0]?.data as Float32Array;
    mask.forEach((v, i) => {
      expect(v).not.toBe(0);
      // numpy's assert_almost_equal(decimal=2): |actual − desired| < 1.5e-2.
      expect(Math.abs(v - (Math.sin(image[i] as number) - Math.sin(blurred[i] as number)))).toBeLessThan(1.5e-2);
    });
    expect(result.gradientEvaluations).toBe(4000);
  });
});
