import { functionBackend, type GradientBackend } from '../../src/index.js';

/**
 * A one-hidden-layer network F(x) = Σₖ vₖ·σ(wₖ·x + cₖ) built so that, on the path from the
 * baseline 0 to x = (1, …, 1), unit k changes sign at α = kinks[k]: wₖ·x' + cₖ = cₖ and
 * wₖ·(x − x') = Σᵢ wₖᵢ, so the pre-activation is cₖ + α·Σᵢ wₖᵢ and cₖ = −kinks[k]·Σᵢ wₖᵢ.
 * σ is ReLU (`power` 1: g piecewise constant) or ReLU²/2 (`power` 2: g piecewise linear).
 */
export function kinkedNetwork(
  kinks: readonly number[],
  power: 1 | 2,
  features = 3,
): {
  backend: GradientBackend;
  /** Exact IG at x = 1, baseline 0 (float64). */
  expected: number[];
  fDifference: number;
} {
  // Unit weights with mixed signs, so that both sides of every kink contribute.
  const w = kinks.map((_, k) => Array.from({ length: features }, (_, i) => ((k + 2 * i) % 3) - 0.6 + 0.1 * k));
  const v = kinks.map((_, k) => (k % 2 === 0 ? 1.3 : -0.7) + 0.2 * k);
  const c = kinks.map((kink, k) => -kink * (w[k] as number[]).reduce((a, b) => a + b, 0));
  const pre = (x: Float32Array, k: number): number => (c[k] as number) + (w[k] as number[]).reduce((s, wi, i) => s + wi * (x[i] as number), 0);
  const act = (z: number): number => (z > 0 ? (power === 1 ? z : (z * z) / 2) : 0);
  const slope = (z: number): number => (z > 0 ? (power === 1 ? 1 : z) : 0);
  const backend = functionBackend({
    forward: ([x]) => [kinks.reduce((s, _, k) => s + (v[k] as number) * act(pre(x as Float32Array, k)), 0)],
    gradient: ([x], [seed]) => {
      const g = new Float32Array(features);
      kinks.forEach((_, k) => {
        const s = (seed as number) * (v[k] as number) * slope(pre(x as Float32Array, k));
        (w[k] as number[]).forEach((wi, i) => (g[i] = (g[i] as number) + s * wi));
      });
      return [g];
    },
  });
  // ∫₀¹ σ'(cₖ + α·sₖ) dα·wₖᵢ·vₖ, with sₖ = Σᵢ wₖᵢ, in closed form.
  const expected = new Array<number>(features).fill(0);
  let fDifference = 0;
  kinks.forEach((kink, k) => {
    const s = (w[k] as number[]).reduce((a, b) => a + b, 0);
    // The part of [0, 1] where the unit is active (empty when the kink lies outside on that side).
    const clamp = (a: number): number => Math.min(1, Math.max(0, a));
    const [lo, hi] = s > 0 ? [clamp(kink), 1] : [0, clamp(kink)];
    // ∫ slope(s(α − kink)) dα over the active part: power 1 → its length; power 2 → s·∫(α − kink).
    const integral = power === 1 ? hi - lo : s * (((hi - kink) ** 2 - (lo - kink) ** 2) / 2);
    (w[k] as number[]).forEach((wi, i) => (expected[i] = (expected[i] as number) + (v[k] as number) * wi * integral));
    fDifference += (v[k] as number) * (act(s * (1 - kink)) - act(-kink * s));
  });
  return { backend, expected, fDifference };
}
