import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  integratedGradients,
  smoothIntegratedGradients,
  tensor,
  type BaselineSpec,
  type GradientBackend,
  type IntegratedGradientsOptions,
} from '../src/index.js';
import { weightedSquares } from './helpers/closed-forms.js';
import { fused } from './helpers/fused.js';
import { baselines, expectedAttributions, inputs, twoInputSquares, X_SIZE, Y_SIZE } from './helpers/two-input-squares.js';

/** The float32 bit patterns, so that −0 differs from +0 and NaN from NaN-free results. */
const bits = (values: Float32Array): number[] => Array.from(new Uint32Array(Float32Array.from(values).buffer));

/** |actual − expected| / (1 + |expected|): float32 attributions, measured ≤ 2.1e-7. */
const TOLERANCE = 8e-7;

function expectCloseTo(actual: Float32Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((e, i) => (worst = Math.max(worst, Math.abs((actual[i] as number) - e) / (1 + Math.abs(e)))));
  expect(worst).toBeLessThanOrEqual(TOLERANCE);
}

/** Arrays for the two-input model's [2 examples, 2 targets, size] attributions, filled with `value`. */
const suppliedArrays = (value: number): [Float32Array, Float32Array] => [
  new Float32Array(2 * 2 * X_SIZE).fill(value),
  new Float32Array(2 * 2 * Y_SIZE).fill(value),
];

const target = { classes: [0, 1] };
// The averaged baselines are `baselines` and 0: IG(x)ᵢ = (s0·aᵢ + s1·cᵢ)(xᵢ² − mean of x'ᵢ²), the mean of both closed forms.
const averagedBaselines: BaselineSpec = { average: [baselines, 0] };
const expectedAveraged = (): [number[], number[]] => {
  const [givenX, givenY] = expectedAttributions(false);
  const [zeroX, zeroY] = expectedAttributions(true);
  return [givenX.map((v, i) => (v + (zeroX[i] as number)) / 2), givenY.map((v, i) => (v + (zeroY[i] as number)) / 2)];
};

/** IG with and without the supplied arrays `into`, which must agree to the bit. */
async function compare(backend: GradientBackend, options: IntegratedGradientsOptions, into: Float32Array[]): Promise<void> {
  const plain = await integratedGradients(backend, inputs, options);
  const supplied = await integratedGradients(backend, inputs, { ...options, attributionsInto: into });
  expect(supplied.attributions[0]?.data).toBe(into[0]);
  expect(supplied.attributions[1]?.data).toBe(into[1]);
  expect(supplied.attributions.map((a) => a.shape)).toEqual([
    [2, 2, X_SIZE],
    [2, 2, Y_SIZE],
  ]);
  expect(bits(into[0] as Float32Array)).toEqual(bits(plain.attributions[0]?.data as Float32Array));
  expect(bits(into[1] as Float32Array)).toEqual(bits(plain.attributions[1]?.data as Float32Array));
  expect(supplied.reports).toEqual(plain.reports);
}

describe('attributionsInto: attributions written into supplied arrays', () => {
  for (const batchSize of [1, 7, 64]) {
    for (const [name, spec, expected] of [
      ['one baseline', baselines, () => expectedAttributions(false)],
      ['two averaged baselines', averagedBaselines, expectedAveraged],
    ] as const) {
      it(`batch ${batchSize}, two inputs, two targets, ${name}: the supplied arrays, bit for bit the usual result, the closed form, no stale values`, async () => {
        const { backend } = twoInputSquares('offered');
        const options = { target, baselines: spec, steps: 20, batchSize };
        const into = suppliedArrays(Number.NaN);
        await compare(backend, options, into);
        const [ex, ey] = expected();
        expectCloseTo(into[0], ex);
        expectCloseTo(into[1], ey);
        // A second call into the same arrays, now holding garbage of another kind.
        into[0].forEach((_, i) => (into[0][i] = (-1) ** i * 3e38));
        into[1].fill(Number.NEGATIVE_INFINITY);
        await compare(backend, options, into);
        expectCloseTo(into[0], ex);
      });
    }
  }

  it("steps: 'auto' (nested trapezoid grids are exact here: the gradient is linear along the path)", async () => {
    const { backend } = twoInputSquares('offered');
    const into = suppliedArrays(Number.NaN);
    await compare(backend, { target, baselines: averagedBaselines, steps: 'auto', tolerance: 1e-4, batchSize: 7 }, into);
    const [ex, ey] = expectedAveraged();
    expectCloseTo(into[0], ex);
    expectCloseTo(into[1], ey);
  });

  it('the fused integrate path', async () => {
    const backend = fused(twoInputSquares('own').backend);
    const into = suppliedArrays(Number.NaN);
    await compare(backend, { target, baselines, steps: 20, batchSize: 7 }, into);
    expect(backend.unfusedCalls).toBe(0);
    expect(backend.requests.length).toBeGreaterThan(0);
    const [ex, ey] = expectedAttributions(false);
    expectCloseTo(into[0], ex);
    expectCloseTo(into[1], ey);
  });

  it('one target per example, no target axis: Σ wᵢxᵢ² with IGᵢ = wᵢ(xᵢ² − x′ᵢ²) over three examples', async () => {
    const w = [0.5, -1.2, 2, 0.3];
    const x = tensor([0.9, -1.3, 0.4, 1.7, 2, 1, -1, 0.5, -0.25, 0, 3, -2], [3, 4]);
    const baseline = tensor([0.2, 0.5, -0.3, 0.1], [4]);
    const into = [new Float32Array(12).fill(Number.NaN)];
    const result = await integratedGradients(weightedSquares(w).backend, x, { baselines: baseline, attributionsInto: into });
    expect(result.attributions[0]).toEqual({ data: into[0], shape: [3, 4] });
    expect(result.attributions[0]?.data).toBe(into[0]);
    const expected = Array.from(x.data, (v, k) => (w[k % 4] as number) * (v * v - (baseline.data[k % 4] as number) ** 2));
    expectCloseTo(into[0] as Float32Array, expected);
    // Feature 1 has x = x′ and a negative gradient: (x − x′)·∫∂F is −0, which a zero-filled array
    // turns into +0; so must the supplied one, whatever it held.
    const equalEnds = await integratedGradients(weightedSquares(w).backend, tensor([1, 0.5, 1, 1], [1, 4]), {
      baselines: baseline,
      attributionsInto: [new Float32Array(4).fill(-0)],
    });
    expect(Object.is(equalEnds.attributions[0]?.data[1], 0)).toBe(true);
    const fresh = await integratedGradients(weightedSquares(w).backend, tensor([1, 0.5, 1, 1], [1, 4]), { baselines: baseline });
    expect(bits(equalEnds.attributions[0]?.data as Float32Array)).toEqual(bits(fresh.attributions[0]?.data as Float32Array));
  });

  it('an aborted call rejects, and the next call into the same arrays is complete and exact', async () => {
    const { backend } = twoInputSquares('offered');
    const into = suppliedArrays(Number.NaN);
    const controller = new AbortController();
    const options = { target, baselines, steps: 20, batchSize: 7 };
    const aborted = integratedGradients(backend, inputs, {
      ...options,
      attributionsInto: into,
      signal: controller.signal,
      onProgress: (done) => done >= 14 && controller.abort(),
    });
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    await compare(backend, options, into);
    const [ex, ey] = expectedAttributions(false);
    expectCloseTo(into[0], ex);
    expectCloseTo(into[1], ey);
  });

  it('smoothIntegratedGradients writes the combined attributions into the supplied arrays, bit for bit as without them', async () => {
    const w = [0.5, -1.5, 2];
    const x = tensor([1, 2, -0.5], [1, 3]);
    const baseline = tensor([0.2, 0.2, 0.2], [1, 3]);
    const noise = [
      [0.1, -0.2, 0.05],
      [-0.3, 0.15, 0.2],
    ];
    const options = { baselines: baseline, samples: 2, kind: 'smoothgrad-squared' as const, noise: (s: number) => Float32Array.from(noise[s] as number[]) };
    const plain = await smoothIntegratedGradients(weightedSquares(w).backend, x, options);
    const into = [new Float32Array(3).fill(Number.NaN)];
    const supplied = await smoothIntegratedGradients(weightedSquares(w).backend, x, { ...options, attributionsInto: into });
    expect(supplied.attributions[0]?.data).toBe(into[0]);
    expect(bits(into[0] as Float32Array)).toEqual(bits(plain.attributions[0]?.data as Float32Array));
    // Mean over the samples of IGᵢ² with IGᵢ = wᵢ((xᵢ + εᵢ)² − x′ᵢ²).
    const expected = w.map((wi, i) => noise.reduce((s, eps) => s + (wi * (((x.data[i] as number) + (eps[i] as number)) ** 2 - 0.04)) ** 2, 0) / noise.length);
    expectCloseTo(into[0] as Float32Array, expected);
  });
});
