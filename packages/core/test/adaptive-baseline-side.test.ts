import { describe, expect, it } from 'vitest';
import { functionBackend, integratedGradients, tensor, type GradientBackend, type GradientRequest } from '../src/index.js';

const ones = tensor([1, 1, 1], [1, 3]);
const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0);

/** The α of every point the backend is asked for on the path from 0 to (1, 1, 1). */
function recordingAlphas(backend: GradientBackend): GradientBackend & { alphas: number[] } {
  const wrapper = {
    ...backend,
    alphas: [] as number[],
    gradients: async (request: GradientRequest) => {
      for (let k = 0; k < request.count; k++) wrapper.alphas.push((request.points[0] as Float32Array)[3 * k] as number);
      return backend.gradients(request);
    },
  };
  return wrapper;
}

/**
 * F(x) = Σₖ vₖ·clip(wₖ·x, 0, cₖ), without biases (as ReLU6 layers without biases): on the path
 * from 0 to (1, 1, 1) unit k is active from α = 0 until it saturates at α = saturations[k], and
 * at α = 0 itself every pre-activation is 0, where the gradient is clip'(0) = 0.
 */
function clippedNetwork(saturations: readonly number[]) {
  const w = saturations.map((_, k) => [0.9 - 0.3 * k, 0.4 + 0.2 * k, -0.5 + 0.1 * k]);
  const v = saturations.map((_, k) => (k % 2 === 0 ? 1.1 : -0.6) + 0.3 * k);
  const s = w.map((row) => sum(row));
  const c = saturations.map((alpha, k) => alpha * (s[k] as number));
  const pre = (x: Float32Array, k: number): number => (w[k] as number[]).reduce((t, wi, i) => t + wi * (x[i] as number), 0);
  const backend = functionBackend({
    forward: ([x]) => [saturations.reduce((t, _, k) => t + (v[k] as number) * Math.min(Math.max(pre(x as Float32Array, k), 0), c[k] as number), 0)],
    gradient: ([x], [seed]) => {
      const g = new Float32Array(3);
      saturations.forEach((_, k) => {
        const z = pre(x as Float32Array, k);
        if (z > 0 && z < (c[k] as number)) (w[k] as number[]).forEach((wi, i) => (g[i] = (g[i] as number) + (seed as number) * (v[k] as number) * wi));
      });
      return [g];
    },
  });
  // Unit k contributes vₖ·wₖᵢ over the α where it is active: [0, saturations[k]].
  const expected = [0, 1, 2].map((i) => saturations.reduce((t, alpha, k) => t + (v[k] as number) * ((w[k] as number[])[i] as number) * alpha, 0));
  return { backend, expected, fDifference: sum(expected) };
}

describe("steps: 'auto' at the baseline end of the path", () => {
  it('takes the gradient at α = 0 just inside the path, where a network without biases is not on its kinks', async () => {
    const SATURATIONS = [0.45, 0.7, 0.9];
    const net = clippedNetwork(SATURATIONS);
    expect(net.expected.every((e) => Math.abs(e) > 0.05)).toBe(true);
    const backend = recordingAlphas(net.backend);
    const result = await integratedGradients(backend, ones, { steps: 'auto', tolerance: 1e-4, maxSteps: 1025 });
    const refinement = result.reports[0]?.refinement;
    expect(result.reports[0]?.relativeError).toBeLessThanOrEqual(1e-4);
    // The end at α = 0 is evaluated at 2⁻¹⁸, and the gradient is constant up to the first kink,
    // 0.45: nothing is spent between. Taken at 0 itself (a zero gradient), the rule bisected
    // toward 0: measured 11 of its 38 points below 0.2 (down to 1e-4), against none now, of 31.
    expect(backend.alphas).toContain(2 ** -18);
    expect(backend.alphas.filter((a) => a > 2 ** -18 && a < 0.2)).toEqual([]);
    expect(refinement?.evaluations).toBeLessThanOrEqual(32);
    // Per feature against the closed form, within the rule's own bound.
    const attributions = Array.from(result.attributions[0]?.data ?? []);
    const l1 = attributions.reduce((t, a, i) => t + Math.abs(a - (net.expected[i] as number)), 0);
    expect(l1 / Math.abs(net.fDifference)).toBeLessThanOrEqual(refinement?.attributionErrorBound as number);
    expect(refinement?.jumps).toEqual([]);
  });

  it('brackets a jump of F right at the baseline and leaves it out, as it does elsewhere on the path', async () => {
    // F(x) = a·x + J·[Σx > 0]: on the path F jumps by J between α = 0 and any α > 0; its gradient,
    // a, does not see it. The node at α = 0 keeps F(x') (its gradient comes from 2⁻¹⁸), so the jump
    // sits in the first piece, which is bisected down to 2⁻¹² and then told apart as a jump.
    const a = [0.7, -0.2, 0.4];
    const JUMP = 0.5;
    const backend = recordingAlphas(
      functionBackend({
        forward: ([x]) => [sum(Array.from(x as Float32Array, (xi, i) => (a[i] as number) * xi)) + (sum(x as Float32Array) > 0 ? JUMP : 0)],
        gradient: (_, [seed]) => [Float32Array.from(a, (ai) => (seed as number) * ai)],
      }),
    );
    const result = await integratedGradients(backend, ones, { steps: 'auto', tolerance: 1e-6, maxSteps: 1025 });
    const refinement = result.reports[0]?.refinement;
    // Measured: 15 evaluations.
    expect(refinement?.evaluations).toBeLessThanOrEqual(16);
    expect(refinement?.jumps).toHaveLength(1);
    expect(refinement?.jumps[0]?.from).toBe(0);
    expect(refinement?.jumps[0]?.to).toBe(2 ** -12);
    const difference = sum(a) + JUMP;
    expect(Math.abs((refinement?.jumps[0]?.error as number) + JUMP / difference)).toBeLessThan(1e-6);
    Array.from(result.attributions[0]?.data ?? []).forEach((attr, i) => expect(Math.abs(attr - (a[i] as number))).toBeLessThan(1e-6));
    expect(result.warnings[0]).toMatch(/F jumps along the path at α ≈ 0\.0001 \(35\.7% of F\(x\) − F\(x'\)\)/);
    // No point is asked for between x' and 2⁻¹⁸.
    expect(backend.alphas.filter((alpha) => alpha > 0 && alpha < 2 ** -18)).toEqual([]);
  });

  it('resolves a kink a few 2⁻¹⁸ from the baseline, near where the first piece takes its gradient', async () => {
    // F = s + s²/2 + relu(s − 3·KINK) with s = Σx, on the path s = 3α: the kink at α = KINK.
    for (const KINK of [5e-5, 1.5e-5]) {
      const f = (s: number): number => s + (s * s) / 2 + Math.max(s - 3 * KINK, 0);
      const slope = (s: number): number => 1 + s + (s > 3 * KINK ? 1 : 0);
      const backend = functionBackend({
        forward: ([x]) => [f(sum(x as Float32Array))],
        gradient: ([x], [seed]) => [new Float32Array(3).fill((seed as number) * slope(sum(x as Float32Array)))],
      });
      const result = await integratedGradients(backend, ones, { steps: 'auto', tolerance: 1e-6, maxSteps: 1025 });
      // Exact: each feature gets ∫₀¹ (1 + 3α + [α > KINK]) dα = 3.5 − KINK. Measured: 17 and 19 evaluations.
      expect(result.reports[0]?.relativeError).toBeLessThanOrEqual(1e-6);
      expect(result.reports[0]?.refinement?.evaluations).toBeLessThanOrEqual(25);
      for (const a of result.attributions[0]?.data ?? []) expect(Math.abs(a - (3.5 - KINK))).toBeLessThan(3e-6);
    }
  });
});
