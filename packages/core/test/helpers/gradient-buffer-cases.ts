import { expect, it } from 'vitest';
import { functionBackend, integratedGradients, NonFiniteError, tensor } from '../../src/index.js';
import { baselines, expectedAttributions, inputs, twoInputSquares, X_SIZE, Y_SIZE, type GradientTarget } from './two-input-squares.js';

const run = (target: GradientTarget, batchSize: number, steps: number, zeroBaseline: boolean) => {
  const model = twoInputSquares(target);
  const result = integratedGradients(model.backend, inputs, { target: { classes: [0, 1] }, baselines: zeroBaseline ? 0 : baselines, steps, batchSize });
  return { model, result };
};

/** |actual − expected| / (1 + |expected|): float32 attributions, measured ≤ 1.6e-7. */
const TOLERANCE = 8e-7;

function expectCloseTo(actual: Float32Array, expected: number[]): void {
  let worst = 0;
  expected.forEach((e, i) => (worst = Math.max(worst, Math.abs((actual[i] as number) - e) / (1 + Math.abs(e)))));
  expect(worst).toBeLessThanOrEqual(TOLERANCE);
}

/**
 * The GradientRequest.gradientBuffers contract, for whichever path workspace is in use: a
 * backend filling the offered buffers and one returning its own arrays give the same attributions
 * (the closed form), and a NaN or Infinity written into an offered buffer is still reported.
 */
export function gradientBufferCases(): void {
  // Four paths (two examples × two targets): one path per batch, several per batch, a partial
  // last batch, and (36 steps in batches of 40) float32 partials widened within a batch.
  for (const [batchSize, steps] of [
    [1, 20],
    [3, 20],
    [7, 20],
    [40, 20],
    [40, 36],
  ] as const) {
    for (const zeroBaseline of [false, true]) {
      it(`a backend filling the offered buffers matches one returning its own arrays and the closed form (batch ${batchSize}, ${steps} steps, ${zeroBaseline ? 'zero' : 'non-zero'} baseline)`, async () => {
        const offered = run('offered', batchSize, steps, zeroBaseline);
        const own = run('own', batchSize, steps, zeroBaseline);
        const [a, b] = await Promise.all([offered.result, own.result]);
        const [ex, ey] = expectedAttributions(zeroBaseline);
        expectCloseTo(a.attributions[0]?.data as Float32Array, ex);
        expectCloseTo(a.attributions[1]?.data as Float32Array, ey);
        // Both read the same float32 gradients with the same arithmetic.
        expect(Array.from(a.attributions[0]?.data ?? [])).toEqual(Array.from(b.attributions[0]?.data ?? []));
        expect(Array.from(a.attributions[1]?.data ?? [])).toEqual(Array.from(b.attributions[1]?.data ?? []));
        expect(a.reports.map((r) => r.delta)).toEqual(b.reports.map((r) => r.delta));
        for (const request of offered.model.requests) {
          expect(request.gradientBuffers?.map((g) => g.length)).toEqual([request.count * X_SIZE, request.count * Y_SIZE]);
          expect(request.count).toBeLessThanOrEqual(batchSize);
        }
      });
    }
  }

  it('a NaN or Infinity written into an offered buffer names the input, feature, example and path step', async () => {
    // Right Riemann alphas (k + 1)/20. Example 1, target 0 is the third path: its step 13 sits in
    // call (2·20 + 13) / 7 = 7, row 4; feature 5 of input 1 becomes NaN there.
    const nan = twoInputSquares('offered', (request, [, gy], call) => {
      if (call === 7) (gy as Float32Array)[4 * Y_SIZE + 5] = Number.NaN;
    });
    const err = await integratedGradients(nan.backend, inputs, {
      target: { classes: [0, 1] },
      baselines,
      steps: 20,
      batchSize: 7,
      method: 'riemann-right',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as Error).message).toBe('gradient of input 1 has NaN at flat index 5 (example 1, path step 13, alpha 0.700000)');
    // 36 rows of the first path (then 4 of the second) in one batch of 40: widened into float64 as they are added.
    const inf = twoInputSquares('offered', (request, [gx], call) => {
      if (call === 0) (gx as Float32Array)[27 * X_SIZE + 36] = Number.NEGATIVE_INFINITY;
    });
    const err40 = await integratedGradients(inf.backend, inputs, {
      target: { classes: [0, 1] },
      baselines,
      steps: 36,
      batchSize: 40,
      method: 'riemann-right',
    }).catch((e: unknown) => e);
    expect((err40 as Error).message).toBe('gradient of input 0 has -Infinity at flat index 36 (example 0, path step 27, alpha 0.777778)');
  });

  it('functionBackend writes per-point gradients into the offered buffers, with the same attributions', async () => {
    const w = Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const fns = {
      forward: ([x]: readonly Float32Array[]) => [Array.from(x as Float32Array).reduce((s, v, i) => s + (w[i] as number) * v * v, 0)],
      gradient: ([x]: readonly Float32Array[], [seed]: Float32Array) => [
        Float32Array.from(x as Float32Array, (v, i) => (seed as number) * 2 * (w[i] as number) * v),
      ],
    };
    const backend = functionBackend(fns);
    const offered = [new Float32Array(3 * 50).fill(Number.NaN)];
    const points = [Float32Array.from({ length: 150 }, (_, i) => Math.cos(i))];
    const response = await backend.gradients({ points, pointShapes: [[50]], count: 3, outputWeights: Float32Array.of(1, 1, 1), gradientBuffers: offered });
    expect(response.gradients[0]).toBe(offered[0]);
    expect(Array.from(offered[0] as Float32Array)).toEqual(Array.from(points[0] as Float32Array, (v, i) => Math.fround(2 * (w[i % 50] as number) * v)));
    const x = tensor(
      Array.from({ length: 50 }, (_, i) => Math.cos(2 * i) + 1),
      [1, 50],
    );
    const result = await integratedGradients(backend, x, { steps: 16, batchSize: 5 });
    const exact = w.map((wi, i) => wi * (x.data[i] as number) ** 2);
    expectCloseTo(result.attributions[0]?.data as Float32Array, exact);
  });
}
