import { describe, expect, it } from 'vitest';
import {
  BackendContractError,
  functionBackend,
  integratedGradients,
  NonFiniteError,
  tensor,
  type GradientBackend,
  type GradientRequest,
} from '../src/index.js';
import { counting } from './helpers/counting.js';
import { irisMlpBackend } from './helpers/iris-mlp.js';
import { captumData } from '@ig/test-fixtures';
import { kinkedNetwork } from './helpers/relu-paths.js';

/** Records the α of every gradient point on the path from 0 to (1, …, 1): feature 0 is α itself. */
function recordingAlphas(backend: GradientBackend): GradientBackend & { alphas: number[]; calls: number } {
  const wrapper = {
    ...backend,
    alphas: [] as number[],
    calls: 0,
    gradients: async (request: GradientRequest) => {
      const size = (request.points[0] as Float32Array).length / request.count;
      for (let k = 0; k < request.count; k++) wrapper.alphas.push((request.points[0] as Float32Array)[k * size] as number);
      wrapper.calls++;
      return backend.gradients(request);
    },
  };
  return wrapper;
}

const ones = tensor([1, 1, 1], [1, 3]);
const KINKS = [0.13, 0.3, 0.61, 0.77];

describe("steps: 'auto', adaptive rule, on ReLU networks with kinks at known α", () => {
  it('places its points near the kinks and reaches the tolerance with a fraction of the evaluations of nested doubling', async () => {
    const net = kinkedNetwork(KINKS, 1);
    const adaptive = recordingAlphas(net.backend);
    const nested = counting(net.backend);
    const result = await integratedGradients(adaptive, ones, { steps: 'auto', tolerance: 1e-3, maxSteps: 4097 });
    const reference = await integratedGradients(nested, ones, { steps: 'auto', autoRule: 'nested', tolerance: 1e-3, maxSteps: 4097 });
    const report = result.reports[0];
    expect(report?.relativeError).toBeLessThanOrEqual(1e-3);
    expect(reference.reports[0]?.relativeError).toBeLessThanOrEqual(1e-3);
    // Measured: 18 evaluations against 129.
    expect(adaptive.alphas.length * 5).toBeLessThan(nested.points);
    expect(report?.refinement?.evaluations).toBe(adaptive.alphas.length);
    expect(result.gradientEvaluations).toBe(adaptive.alphas.length);
    // Beyond the start (½, then 0 and 1) every point bisects an interval that holds a kink: the
    // dyadic α = k/2^L, k odd, splits [α − 2^−L, α + 2^−L].
    const added = adaptive.alphas.slice(3);
    expect(added.length).toBeGreaterThan(0);
    for (const alpha of added) {
      let half = 1;
      while (!Number.isInteger(alpha / half)) half /= 2;
      expect(KINKS.some((k) => k > alpha - half && k < alpha + half)).toBe(true);
    }
    // The report's histogram counts exactly the points evaluated per tenth of α.
    const bins = new Array<number>(10).fill(0);
    for (const alpha of adaptive.alphas) {
      const bin = Math.min(9, Math.floor(alpha * 10));
      bins[bin] = (bins[bin] as number) + 1;
    }
    expect(report?.refinement?.pointsPerBin).toEqual(bins);
    // The error left sits in the tenths that hold a kink (measured: 61%; a piece spreads its error
    // over every tenth it covers); the tenths 0.4–0.6, whose pieces hold no kink, only rounding (7e-6).
    const kinkBins = new Set(KINKS.map((k) => Math.floor(k * 10)));
    const share = report?.refinement?.errorShare ?? [];
    expect(share.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(share.filter((_, k) => kinkBins.has(k)).reduce((a, b) => a + b, 0)).toBeGreaterThan(0.5);
    expect((share[4] as number) + (share[5] as number)).toBeLessThan(5e-5);
  });

  it('keeps the attributions within their reported error bound of the closed form', async () => {
    for (const power of [1, 2] as const) {
      const net = kinkedNetwork(KINKS, power);
      for (const tolerance of [1e-2, 1e-3, 1e-4]) {
        const result = await integratedGradients(net.backend, ones, { steps: 'auto', tolerance });
        const report = result.reports[0];
        expect(report?.refinement?.errorBound).toBeGreaterThanOrEqual(report?.relativeError as number);
        let l1 = 0;
        net.expected.forEach((e, i) => (l1 += Math.abs((result.attributions[0]?.data[i] as number) - e)));
        expect(l1 / Math.abs(net.fDifference)).toBeLessThanOrEqual(report?.refinement?.attributionErrorBound as number);
      }
    }
  });

  it('is exact on a piecewise-linear integrand once each kink is a point of the mesh', async () => {
    // ReLU²: g(α) is linear between kinks; dyadic kinks are reached by bisection.
    const kinks = [0.375, 0.6875];
    const net = kinkedNetwork(kinks, 2);
    const backend = recordingAlphas(net.backend);
    const result = await integratedGradients(backend, ones, { steps: 'auto', tolerance: 1e-6 });
    for (const kink of kinks) expect(backend.alphas).toContain(kink);
    // float32 evaluation of F and the gradients: ~1e-7 relative.
    expect(result.reports[0]?.relativeError).toBeLessThan(1e-6);
    net.expected.forEach((e, i) => expect(Math.abs((result.attributions[0]?.data[i] as number) - e)).toBeLessThan(1e-6 * Math.abs(net.fDifference)));
    expect(backend.alphas.length).toBeLessThan(20);
  });

  it('stops on the midpoint where it meets the tolerance, and with checkMidpoint once the gradient at α = 1 agrees', async () => {
    const net = kinkedNetwork([1.5, -0.5], 1);
    const plain = recordingAlphas(net.backend);
    const result = await integratedGradients(plain, ones, { steps: 'auto', tolerance: 1e-6 });
    expect(plain.alphas).toEqual([0.5]);
    net.expected.forEach((e, i) => expect(Math.abs((result.attributions[0]?.data[i] as number) - e)).toBeLessThan(1e-6));
    expect(result.reports[0]?.refinement).toMatchObject({ evaluations: 1, rounds: 1, attributionErrorBound: null });
    const checked = recordingAlphas(net.backend);
    const checkedResult = await integratedGradients(checked, ones, { steps: 'auto', tolerance: 1e-6, checkMidpoint: true });
    expect(checked.alphas).toEqual([0.5, 1]);
    net.expected.forEach((e, i) => expect(Math.abs((checkedResult.attributions[0]?.data[i] as number) - e)).toBeLessThan(1e-6));
    expect(checkedResult.reports[0]?.refinement).toMatchObject({ evaluations: 2, rounds: 2, attributionErrorBound: null });
  });

  it('with checkMidpoint, does not stop on a midpoint whose errors cancel across features (F = x₀³ − x₁³)', async () => {
    // The midpoint gives attr = 3·¼·(1, −1) = (0.75, −0.75): Σ attr = 0 = F(x) − F(x'), 25% off per
    // feature. By default that is where the rule stops (completeness is met). With checkMidpoint the
    // gradient at α = 1, 3·(1, −1), differs, so the ends are added; Simpson on [0, ½, 1] is exact on the cubic.
    const cubic = functionBackend({
      forward: ([v]) => [((v as Float32Array)[0] as number) ** 3 - ((v as Float32Array)[1] as number) ** 3],
      gradient: ([v], w) => {
        const [a, b] = Array.from(v as Float32Array) as [number, number];
        return [[3 * (w[0] as number) * a ** 2, -3 * (w[0] as number) * b ** 2]];
      },
    });
    const unchecked = await integratedGradients(recordingAlphas(cubic), tensor([1, 1], [1, 2]), { steps: 'auto', tolerance: 1e-6 });
    expect(Array.from(unchecked.attributions[0]?.data ?? [])).toEqual([0.75, -0.75]);
    expect(unchecked.reports[0]?.refinement?.attributionErrorBound).toBeNull();
    const backend = recordingAlphas(cubic);
    const result = await integratedGradients(backend, tensor([1, 1], [1, 2]), { steps: 'auto', tolerance: 1e-6, checkMidpoint: true });
    // α = 0 is evaluated just inside the path, at 2⁻¹⁸ (adaptive-baseline-side.test.ts).
    expect(backend.alphas.slice(0, 3)).toEqual([0.5, 1, 2 ** -18]);
    const attr = Array.from(result.attributions[0]?.data ?? []);
    expect(Math.abs((attr[0] as number) - 1)).toBeLessThan(1e-6);
    expect(Math.abs((attr[1] as number) + 1)).toBeLessThan(1e-6);
    expect(result.reports[0]?.refinement?.attributionErrorBound).not.toBeNull();
  });

  it('names the backend when its gradients come without one objective value per point', async () => {
    const net = kinkedNetwork(KINKS, 1);
    const broken = {
      ...net.backend,
      gradients: async (request: GradientRequest) => ({ ...(await net.backend.gradients(request)), objective: new Float32Array(0) }),
    };
    await expect(integratedGradients(broken, ones, { steps: 'auto' })).rejects.toThrow(BackendContractError);
    await expect(integratedGradients(broken, ones, { steps: 'auto' })).rejects.toThrow(
      /function: gradients returned 0 objective values, expected one per point/,
    );
    const nan = {
      ...net.backend,
      gradients: async (request: GradientRequest) => ({
        ...(await net.backend.gradients(request)),
        objective: new Float32Array(request.count).fill(Number.NaN),
      }),
    };
    await expect(integratedGradients(nan, ones, { steps: 'auto' })).rejects.toThrow(NonFiniteError);
  });

  it('stops at maxSteps with a warning when the tolerance cannot be met', async () => {
    const net = kinkedNetwork(KINKS, 1);
    const result = await integratedGradients(net.backend, ones, { steps: 'auto', tolerance: 1e-9, maxSteps: 12 });
    expect(result.reports[0]?.steps).toBe(12);
    expect(result.gradientEvaluations).toBe(12);
    expect(result.reports[0]?.warning).toMatch(/completeness error .* exceeds the tolerance/);
  });
});

describe("steps: 'auto', adaptive rule, on the iris MLP (Captum parity model)", () => {
  const input = captumData('iris_mlp', 'input_batch3');

  it('agrees with a 4096-point Gauss–Legendre reference within the reported error', async () => {
    for (const tolerance of [1e-2, 1e-3]) {
      const result = await integratedGradients(irisMlpBackend(), input, { target: [0, 1, 2], steps: 'auto', tolerance });
      const reference = await integratedGradients(irisMlpBackend(), input, { target: [0, 1, 2], steps: 4096 });
      result.reports.forEach((report, e) => {
        expect(report.relativeError).toBeLessThanOrEqual(tolerance);
        const scale = Math.abs(report.fInput - report.fBaseline);
        let l1 = 0;
        for (let i = 0; i < 4; i++)
          l1 += Math.abs((result.attributions[0]?.data[e * 4 + i] as number) - (reference.attributions[0]?.data[e * 4 + i] as number));
        // The reference's own error: its completeness error, ~1e-6 here.
        const referenceError = reference.reports[e]?.relativeError as number;
        expect(l1 / scale).toBeLessThanOrEqual((report.refinement?.attributionErrorBound as number) + referenceError);
      });
    }
  });

  it('reaches 1% with a fraction of the evaluations of nested doubling', async () => {
    const adaptive = counting(irisMlpBackend());
    const nested = counting(irisMlpBackend());
    const result = await integratedGradients(adaptive, input, { target: [0, 1, 2], steps: 'auto' });
    const reference = await integratedGradients(nested, input, { target: [0, 1, 2], steps: 'auto', autoRule: 'nested' });
    for (const r of [...result.reports, ...reference.reports]) expect(r.relativeError).toBeLessThanOrEqual(0.01);
    // Measured: 20 evaluations against 263.
    expect(adaptive.points * 10).toBeLessThan(nested.points);
  });

  it('refines every (example, target, baseline) path on its own', async () => {
    const baselines = {
      average: [
        tensor(new Float32Array(12), [3, 4]),
        tensor(
          Float32Array.from({ length: 12 }, (_, k) => 0.1 * (k % 5) - 0.2),
          [3, 4],
        ),
      ],
    };
    const target = { classes: [0, 2] };
    const backend = counting(irisMlpBackend());
    const result = await integratedGradients(backend, input, { target, baselines, steps: 'auto', tolerance: 1e-3 });
    expect(result.reports).toHaveLength(6);
    const evaluations = result.reports.map((r) => r.refinement?.evaluations as number);
    expect(evaluations.reduce((a, b) => a + b, 0)).toBe(backend.points);
    expect(new Set(evaluations).size).toBeGreaterThan(1);
    // The same cell computed alone, one baseline at a time, averaged: the paths do not interact.
    for (const report of result.reports) {
      const example = tensor(input.data.slice(report.example * 4, report.example * 4 + 4), [1, 4]);
      const singles = await Promise.all(
        baselines.average.map((b) =>
          integratedGradients(irisMlpBackend(), example, {
            target: report.target as number,
            baselines: tensor(b.data.slice(report.example * 4, report.example * 4 + 4), [1, 4]),
            steps: 'auto',
            tolerance: 1e-3,
          }),
        ),
      );
      expect(report.refinement?.evaluations).toBe(singles.reduce((n, s) => n + s.gradientEvaluations, 0));
      for (let i = 0; i < 4; i++) {
        const alone = ((singles[0]?.attributions[0]?.data[i] as number) + (singles[1]?.attributions[0]?.data[i] as number)) / 2;
        const cell = result.attributions[0]?.data[(report.example * 2 + report.targetSlot) * 4 + i] as number;
        expect(Math.abs(cell - alone)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(alone)));
      }
    }
  });
});
