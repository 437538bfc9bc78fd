import { describe, expect, it } from 'vitest';
import { functionBackend, gaussLegendre, integratedGradients, InvalidOptionError, tensor } from '../../src/index.js';

// F(x) = Σ xᵢ²: with a zero baseline, IG gives xᵢ² exactly (its gradient is linear on the path).
const squares = functionBackend({
  forward: ([x]) => [Array.from(x!).reduce((s, v) => s + v * v, 0)],
  gradient: ([x], w) => [Array.from(x!, (v) => 2 * v * (w[0] as number))],
});
const x = tensor([1, -2, 0.5, 3], [1, 4]);

describe('steps limit', () => {
  it('refuses steps above the default limit of 10 000 before any set-up, naming the option and the way to raise it', async () => {
    const run = integratedGradients(squares, x, { steps: 100_000_000 });
    await expect(run).rejects.toThrow(InvalidOptionError);
    await expect(integratedGradients(squares, x, { steps: 1e9 })).rejects.toThrow(
      'steps 1000000000 is above the limit of 10000 points per path; raise stepsLimit (ig: --steps-limit) if you mean it',
    );
    await expect(integratedGradients(squares, x, { steps: 'auto', maxSteps: 20_001 })).rejects.toThrow(/^maxSteps 20001 is above the limit/);
    await expect(
      integratedGradients(squares, x, { method: { alphas: new Float64Array(10_001).fill(0.5), weights: new Float64Array(10_001) } }),
    ).rejects.toThrow(/custom rule's point count 10001/);
  });

  it('stepsLimit raises it', async () => {
    const result = await integratedGradients(squares, x, { steps: 12_000, stepsLimit: 12_000, method: 'riemann-middle' });
    // midpoint rule is exact for a linear integrand; float32 accumulation over 12 000 points.
    result.attributions[0]!.data.forEach((v, i) => expect(v).toBeCloseTo((x.data[i] as number) ** 2, 4));
  });
});

describe('Gauss–Legendre at the steps limit', () => {
  it('10 000 points: weights sum to 1, symmetric, and ∫₀¹ cos(40α) dα and α⁹ are exact to double precision', () => {
    const { alphas, weights } = gaussLegendre(10_000);
    let sum = 0;
    let cosine = 0;
    let power = 0;
    for (let k = 0; k < alphas.length; k++) {
      const a = alphas[k] as number;
      const w = weights[k] as number;
      sum += w;
      cosine += w * Math.cos(40 * a);
      power += w * a ** 9;
      expect(a + (alphas[alphas.length - 1 - k] as number)).toBeCloseTo(1, 14);
    }
    // Summing 10 000 doubles: rounding ~1e-13.
    expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    expect(Math.abs(cosine - Math.sin(40) / 40)).toBeLessThan(1e-12);
    expect(Math.abs(power - 0.1)).toBeLessThan(1e-12);
    for (let k = 1; k < alphas.length; k++) expect(alphas[k]).toBeGreaterThan(alphas[k - 1] as number);
  });
});

describe('memory budget', () => {
  it('an explicit budget is a limit: a batch size or a point that does not fit is refused with the sizes', async () => {
    const big = tensor(new Float32Array(1000).fill(1), [1, 1000]);
    const backend = functionBackend({ forward: () => [0], gradient: ([p]) => [new Float32Array(p!.length)] });
    await expect(integratedGradients(backend, big, { batchSize: 64, memoryBudgetBytes: 80_000 })).rejects.toThrow(
      'batchSize 64 needs 0.488 MiB of points and gradients, above memoryBudgetBytes (0.0763 MiB); lower batchSize or raise the budget',
    );
    await expect(integratedGradients(backend, big, { memoryBudgetBytes: 4_000 })).rejects.toThrow(
      /one path point and its gradient need 0\.00763 MiB, above memoryBudgetBytes/,
    );
  });

  it('batches stay within the budget: 8 000 bytes per point, 40 000 bytes → 5 points per call', async () => {
    const counts: number[] = [];
    const backend = functionBackend({
      forwardBatch: ({ count }) => new Float32Array(count),
      gradientBatch: ({ count, points }) => (counts.push(count), { objective: new Float32Array(count), gradients: [new Float32Array(points[0]!.length)] }),
    });
    await integratedGradients(backend, tensor(new Float32Array(1000).fill(1), [1, 1000]), { steps: 23, memoryBudgetBytes: 40_000 });
    expect(Math.max(...counts)).toBe(5);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(23);
  });
});
