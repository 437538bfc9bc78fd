import { describe, expect, it } from 'vitest';
import { functionBackend, integratedGradients, tensor, type GradientBackend } from '../src/index.js';
import { kinkedNetwork } from './helpers/relu-paths.js';

const ones = tensor([1, 1, 1], [1, 3]);
const KINKS = [0.13, 0.3, 0.61, 0.77];
const CAP = 1025;
const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0);

/** The network with `step(F, x)` as its output and the network's own gradient (a straight-through estimate when asked). */
function stepped(backend: GradientBackend, step: (f: number, x: Float32Array) => number, straightThrough = false): GradientBackend {
  const at = (points: Float32Array, k: number): Float32Array => points.subarray(3 * k, 3 * k + 3);
  return {
    name: 'stepped',
    predict: async (batch) => (await backend.predict(batch)).map((f, k) => step(f, at(batch.points[0] as Float32Array, k))),
    gradients: async (request) => {
      const response = await backend.gradients(request);
      return { ...response, objective: response.objective.map((f, k) => step(f, at(request.points[0] as Float32Array, k))) };
    },
    dispose: () => undefined,
    ...(straightThrough ? { straightThroughGradients: true } : {}),
  };
}

/** F jumps by `size` where the path from 0 to (1, 1, 1) passes α = at (Σx = 3α); its gradient does not see it. */
const jumpAt =
  (at: number, size: number) =>
  (f: number, x: Float32Array): number =>
    f + (sum(x) > 3 * at ? size : 0);
/** F rounded to multiples of `step`, as a quantized output is. */
const staircase =
  (step: number) =>
  (f: number): number =>
    step * Math.round(f / step);

describe("steps: 'auto' where F jumps along the path", () => {
  it('brackets a jump, leaves its error out and stops, with the jump in the report and the warning', async () => {
    const net = kinkedNetwork(KINKS, 1);
    const JUMP = 0.25;
    const AT = 0.4321;
    const TOLERANCE = 1e-3;
    const result = await integratedGradients(stepped(net.backend, jumpAt(AT, JUMP)), ones, { steps: 'auto', tolerance: TOLERANCE, maxSteps: CAP });
    const report = result.reports[0];
    const refinement = report?.refinement;
    const difference = net.fDifference + JUMP;
    // Measured: 30 evaluations (1025, the cap, before jumps were told apart).
    expect(refinement?.evaluations).toBeLessThanOrEqual(40);
    expect(refinement?.jumps).toHaveLength(1);
    const jump = refinement?.jumps[0];
    expect(jump?.from).toBeLessThan(AT);
    expect(jump?.to).toBeGreaterThan(AT);
    expect((jump?.to ?? 1) - (jump?.from ?? 0)).toBeLessThanOrEqual(2 ** -12);
    // The gradient is constant across the jump's piece, so its error is the jump alone (float32 F).
    expect(Math.abs((jump?.error ?? 0) + JUMP / difference)).toBeLessThan(1e-6);
    // The rest of the path is within tolerance of the closed-form integral of the gradient.
    const attributions = Array.from(result.attributions[0]?.data ?? []);
    expect(Math.abs(sum(attributions) - sum(net.expected))).toBeLessThanOrEqual(TOLERANCE * difference);
    expect(Math.abs((report?.relativeError ?? 0) * difference - JUMP)).toBeLessThanOrEqual(TOLERANCE * difference);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /F jumps along the path at α ≈ 0\.432 \(11\.2% of F\(x\) − F\(x'\)\).*no number of steps lowers; the rest is within the tolerance/,
    );
    expect(result.warnings[0]).not.toMatch(/raise maxSteps/);
  });

  it('takes a steep but continuous rise for no jump: it resolves it to the tolerance', async () => {
    // F = tanh(k·(Σx/3 − 0.37)): on the path it rises by ~2 within a few 1/k of α = 0.37.
    for (const k of [300, 3000]) {
      const rise = (x: Float32Array): number => Math.tanh(k * (sum(x) / 3 - 0.37));
      const backend = functionBackend({
        forward: ([x]) => [rise(x as Float32Array)],
        gradient: ([x], [seed]) => [new Float32Array(3).fill(((seed as number) * k * (1 - rise(x as Float32Array) ** 2)) / 3)],
      });
      const result = await integratedGradients(backend, ones, { steps: 'auto', tolerance: 1e-3, maxSteps: CAP });
      // Measured: 26 and 31 evaluations.
      expect(result.reports[0]?.refinement?.jumps).toEqual([]);
      expect(result.reports[0]?.refinement?.staircase).toBe(false);
      expect(result.reports[0]?.relativeError).toBeLessThanOrEqual(1e-3);
      expect(result.warnings).toEqual([]);
    }
  });

  const cases = [
    // Measured: 46 evaluations; Σattr within 2.4e-4 of the exact integral, the bound 8.9e-4.
    { flagged: true, step: 2e-3, tolerance: 1e-3, most: 60 },
    // Steps 100× the tolerance: F's errors stop falling with width, 8 jumps are found, and the
    // path goes on on the gradient alone. Measured: 187 evaluations, Σattr within 1.7e-5.
    { flagged: false, step: 1e-2, tolerance: 1e-4, most: 250 },
  ];
  for (const { flagged, step, tolerance, most } of cases) {
    it(`refines a staircase on the gradient alone (${flagged ? 'straight-through gradients declared' : 'told apart by its jumps'})`, async () => {
      const net = kinkedNetwork(KINKS, 1);
      const backend = stepped(net.backend, staircase(step * net.fDifference), flagged);
      const result = await integratedGradients(backend, ones, { steps: 'auto', tolerance, maxSteps: CAP });
      const refinement = result.reports[0]?.refinement;
      expect(refinement?.staircase).toBe(true);
      expect(refinement?.evaluations).toBeLessThanOrEqual(most);
      expect(refinement?.integrandErrorBound).toBeLessThanOrEqual(tolerance);
      // Against the closed-form integral of the gradient (the network's own; F's steps aside).
      const attributions = Array.from(result.attributions[0]?.data ?? []);
      expect(Math.abs(sum(attributions) - sum(net.expected)) / net.fDifference).toBeLessThanOrEqual(refinement?.integrandErrorBound ?? 0);
      const l1 = attributions.reduce((total, a, i) => total + Math.abs(a - (net.expected[i] as number)), 0);
      expect(l1 / net.fDifference).toBeLessThanOrEqual(refinement?.attributionErrorBound ?? 0);
      for (const warning of result.warnings) expect(warning).toMatch(/F is a staircase along the path.*refined on the gradient alone/);
      if (!flagged) expect(refinement?.jumps.length).toBeGreaterThanOrEqual(8);
    });
  }

  it('stops on a staircase with no gradient at all (a count of thresholds passed) once 8 of its steps are bracketed', async () => {
    // F = ⌊k·Σx/3 + ½⌋ steps by 1 at α = (j − ½)/k; its gradient is 0, so IG is 0 and every step is a jump.
    for (const [k, most] of [
      [20, 150],
      [200, 800],
    ] as const) {
      const count = (x: Float32Array): number => Math.floor((k * sum(x)) / 3 + 0.5);
      const backend = functionBackend({
        forward: ([x]) => [count(x as Float32Array)],
        gradient: ([x]) => ({ value: count(x as Float32Array), gradients: [new Float32Array(3)] }),
      });
      const result = await integratedGradients(backend, ones, { steps: 'auto', tolerance: 1e-2, maxSteps: CAP });
      const refinement = result.reports[0]?.refinement;
      // Measured: 113 and 651 evaluations (Dörfler marking halves many equal pieces a round until 8 are narrow enough).
      expect(refinement?.evaluations).toBeLessThanOrEqual(most);
      expect(refinement?.staircase).toBe(true);
      expect(refinement?.jumps.length).toBeGreaterThanOrEqual(8);
      for (const jump of refinement?.jumps ?? []) {
        const j = Math.round(jump.to * k + 0.5);
        expect((j - 0.5) / k).toBeGreaterThan(jump.from);
        expect((j - 0.5) / k).toBeLessThanOrEqual(jump.to);
      }
      expect(Array.from(result.attributions[0]?.data ?? [])).toEqual([0, 0, 0]);
      expect(result.warnings[0]).toMatch(/F is a staircase along the path/);
    }
  });

  it('says why the nested rule spends its cap on straight-through gradients, and what refines them instead', async () => {
    const net = kinkedNetwork(KINKS, 1);
    const backend = stepped(net.backend, staircase(1e-2 * net.fDifference), true);
    const result = await integratedGradients(backend, ones, { steps: 'auto', autoRule: 'nested', tolerance: 1e-5, maxSteps: 257 });
    expect(result.reports[0]?.steps).toBe(257);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/F is a staircase along the path.*The nested rule cannot tell its own error from those steps.*autoRule 'adaptive'/);
  });
});
