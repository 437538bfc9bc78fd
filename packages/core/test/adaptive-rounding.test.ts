import { describe, expect, it } from 'vitest';
import { functionBackend, integratedGradients, tensor } from '../src/index.js';

/**
 * F(x) = offset + Σₖ aₖ·relu(x − κₖ) on the path from 0 to 1, with 64 kinks crowded towards 0
 * (κₖ ∝ k³), so g is a concave staircase and the pieces' errors share one sign, and an offset
 * that puts F's float32 rounding at the ends of a piece (16 ulps of the offset) above each
 * piece's error once the pieces are narrow, though not above their sum. Exact IG: Σₖ aₖ·(1 − κₖ).
 */
function crowdedKinks(offset: number): { backend: ReturnType<typeof functionBackend>; exact: number } {
  const kinks = Array.from({ length: 64 }, (_, k) => ((k + 0.5 + 0.3 * Math.sin(7 * k)) / 64) ** 3);
  const slopes = kinks.map((_, k) => (1 + (k % 3)) / 64);
  const exact = kinks.reduce((s, kink, k) => s + (slopes[k] as number) * (1 - kink), 0);
  const backend = functionBackend({
    forward: ([x]) => Float32Array.of(kinks.reduce((s, kink, k) => s + (slopes[k] as number) * Math.max(0, (x?.[0] as number) - kink), offset)),
    gradient: ([x], [seed]) => [
      Float32Array.of((seed as number) * kinks.reduce((s, kink, k) => s + ((x?.[0] as number) > kink ? (slopes[k] as number) : 0), 0)),
    ],
  });
  return { backend, exact };
}

describe("steps: 'auto' where each piece's error is below F's rounding but their sum is not", () => {
  // Before the pieces were ranked by their gradients' variation, both stopped early with the
  // warning that the error left was float32 rounding: 4.2e-4 and 1.8e-3.
  it.each([
    [100, 1e-4],
    [1000, 1e-3],
  ])('offset %d, tolerance %d: refines on to the tolerance, the attribution within it of the closed form', async (offset, tolerance) => {
    const { backend, exact } = crowdedKinks(offset);
    const result = await integratedGradients(backend, tensor([1], [1, 1]), { steps: 'auto', tolerance, maxSteps: 4097 });
    expect(result.warnings).toEqual([]);
    expect(result.reports[0]?.relativeError).toBeLessThanOrEqual(tolerance);
    // One feature: the attribution is Σ attr, so completeness bounds its error (plus F's rounding, 1e-5 relative).
    expect(Math.abs((result.attributions[0]?.data[0] as number) - exact) / exact).toBeLessThanOrEqual(tolerance + 1e-5);
  });
});
