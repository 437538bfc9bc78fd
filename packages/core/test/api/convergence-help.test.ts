import { describe, expect, it } from 'vitest';
import { attribute, functionBackend, integratedGradients, InvalidOptionError, tensor } from '../../src/index.js';
import { changeInterval } from '../../src/convergence-hint.js';

/** F(x) = f(x₀ + x₁) for a scalar f; from a zero baseline to x = (0.5, 0.5), F along the path is f(α). */
function scalarModel(f: (z: number) => number, df: (z: number) => number) {
  return functionBackend({
    forward: ([x]) => [f((x as Float32Array)[0]! + (x as Float32Array)[1]!)],
    gradient: ([x], seed) => {
      const d = seed[0]! * df((x as Float32Array)[0]! + (x as Float32Array)[1]!);
      return [Float32Array.of(d, d)];
    },
  });
}
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
/** A steep sigmoid whose transition sits at α = c, k wide: F(α) = σ(k(α − c)). */
const steepSigmoid = (k: number, c: number) =>
  scalarModel(
    (z) => sigmoid(k * (z - c)),
    (z) => k * sigmoid(k * (z - c)) * (1 - sigmoid(k * (z - c))),
  );
const x = tensor([0.5, 0.5], [1, 2]);

/** The α interval a warning names, as numbers. */
function namedInterval(warning: string): [number, number] {
  const match = /α ∈ \[([\d.]+), ([\d.]+)\]/.exec(warning);
  expect(match).not.toBeNull();
  return [Number(match![1]), Number(match![2])];
}

describe("steps: 'auto' at its cap says so and what helps", () => {
  it('a steep sigmoid gets the saturation hint, with the interval where F changed taken from the path', async () => {
    const k = 200;
    const result = await integratedGradients(steepSigmoid(k, 0.5), x, { steps: 'auto', maxSteps: 9, tolerance: 1e-4 });
    const warning = result.reports[0]!.warning!;
    expect(result.reports[0]!.steps).toBe(9);
    expect(warning).toContain("steps: 'auto' hit its cap of 9 points per path (maxSteps)");
    expect(warning).toContain('the output saturates');
    expect(warning).toContain('explain the logits');
    expect(warning).not.toContain('raise maxSteps');
    // 80% of σ's change lies within z = ±ln 9 of the centre: α ∈ 0.5 ± ln 9 / k. The interval the
    // evaluations resolve holds it and is no wider than the pieces around the transition.
    const [from, to] = namedInterval(warning);
    const half = Math.log(9) / k;
    expect(from).toBeLessThanOrEqual(0.5 - half);
    expect(to).toBeGreaterThanOrEqual(0.5 + half);
    expect(to - from).toBeLessThanOrEqual(0.2);
  });

  it('a transition next to the input is placed there', async () => {
    const result = await integratedGradients(steepSigmoid(300, 0.95), x, { steps: 'auto', maxSteps: 9, tolerance: 1e-4 });
    const warning = result.reports[0]!.warning!;
    expect(warning).toContain('(next to the input)');
    const [from, to] = namedInterval(warning);
    expect(from).toBeLessThanOrEqual(0.95 - Math.log(9) / 300);
    expect(to).toBeGreaterThanOrEqual(0.95 + Math.log(9) / 300);
  });

  it('F changing along the whole path gets "raise maxSteps", not the saturation hint', async () => {
    // F(α) = α⁶: 80% of its change lies in α ∈ [0.2^⅙, 1] = [0.765, 1], wider than 0.2.
    const result = await integratedGradients(
      scalarModel(
        (z) => z ** 6,
        (z) => 6 * z ** 5,
      ),
      x,
      { steps: 'auto', maxSteps: 3, tolerance: 1e-9 },
    );
    const warning = result.reports[0]!.warning!;
    expect(warning).toContain('hit its cap of 3');
    expect(warning).toContain('F changes along the whole path');
    expect(warning).toContain('raise maxSteps (ig: --max-steps) above 3');
    const [from, to] = namedInterval(warning);
    expect(from).toBeLessThanOrEqual(0.2 ** (1 / 6));
    expect(to).toBe(1);
  });

  it('F rising and falling far more than its net change gets the baseline hint', async () => {
    // F(α) = sin(6πα + 1) + 0.05α: total variation ≈ 12, net change 0.05.
    const f = (z: number): number => Math.sin(6 * Math.PI * z + 1) + 0.05 * z;
    const model = scalarModel(f, (z) => 6 * Math.PI * Math.cos(6 * Math.PI * z + 1) + 0.05);
    const result = await integratedGradients(model, x, { steps: 'auto', maxSteps: 5, tolerance: 1e-3 });
    expect(result.reports[0]!.warning).toContain('hit its cap of 5');
    expect(result.reports[0]!.warning).toContain('F rises and falls along the path');
    expect(result.reports[0]!.warning).toContain('another baseline or target');
    // Asked for 1e-8 of a net change of 0.05, it stops where every piece's error is float32
    // rounding of F (about 1e-7 of F's size, 1), below the cap, and says so.
    const rounding = await integratedGradients(model, x, { steps: 'auto', maxSteps: 1025, tolerance: 1e-8 });
    expect(rounding.reports[0]!.steps).toBeLessThan(1025);
    expect(rounding.reports[0]!.warning).toContain('stopped below its cap of 1025 points: the error left is within the rounding it allows float32 F (2⁻²⁰');
  });

  it('the nested rule names its cap too, with the hint from F probed along the path', async () => {
    const nested = await integratedGradients(steepSigmoid(200, 0.5), x, { steps: 'auto', autoRule: 'nested', maxSteps: 9, tolerance: 1e-4 });
    expect(nested.reports[0]!.warning).toContain('hit its cap of 9 points per path');
    expect(nested.reports[0]!.warning).toContain('the output saturates');
    expect(namedInterval(nested.reports[0]!.warning!)).toEqual([0.438, 0.563]);
    const spread = await integratedGradients(
      scalarModel(
        (z) => z ** 6,
        (z) => 6 * z ** 5,
      ),
      x,
      { steps: 'auto', autoRule: 'nested', maxSteps: 3, tolerance: 1e-9 },
    );
    expect(spread.reports[0]!.warning).toContain(
      'F changes along the whole path (80% of its change within α ∈ [0.75, 1]): raise maxSteps (ig: --max-steps) above 3',
    );
  });

  it('a fixed rule that misses the tolerance gets the same advice from F probed along the path', async () => {
    const calls: number[] = [];
    const probed = { ...steepSigmoid(200, 0.5) };
    const predict = probed.predict.bind(probed);
    probed.predict = (batch) => (calls.push(batch.count), predict(batch));
    const saturated = await integratedGradients(probed, x, { steps: 4 });
    const warning = saturated.reports[0]!.warning!;
    expect(warning).toContain('the output saturates');
    // Probed at α = k/16: the transition (α = 0.5 ± ln 9 / 200) lies in [0.4375, 0.5625].
    expect(namedInterval(warning)).toEqual([0.438, 0.563]);
    // The input and the baseline, then 15 probe points; a run within tolerance probes nothing.
    expect(calls).toEqual([1, 1, 15]);
    const spread = await integratedGradients(
      scalarModel(
        (z) => z ** 6,
        (z) => 6 * z ** 5,
      ),
      x,
      { steps: 2, method: 'riemann-left' },
    );
    expect(spread.reports[0]!.warning).toContain("F changes along the whole path (80% of its change within α ∈ [0.75, 1]): use more steps or steps: 'auto'");
    calls.length = 0;
    expect((await integratedGradients(probed, x, { steps: 200, tolerance: 0.05 })).warnings).toEqual([]);
    expect(calls).toEqual([1, 1]);
  });
});

describe('changeInterval', () => {
  it('finds the shortest run of pieces holding 80% of the variation', () => {
    // |ΔF| = 1, 8, 1 on [0, .1], [.1, .2], [.2, 1]: 8 of 10 lies in [.1, .2].
    expect(changeInterval({ alphas: [0, 0.1, 0.2, 1], values: [0, 1, 9, 10] })).toEqual({ from: 0.1, to: 0.2, variation: 10, net: 10 });
    // Even change: 80% needs 4 of 5 equal pieces.
    const even = changeInterval({ alphas: [0, 0.2, 0.4, 0.6, 0.8, 1], values: [0, 1, 2, 3, 4, 5] });
    expect(even!.to - even!.from).toBeCloseTo(0.8, 12);
  });
});

describe("one rule for steps: 'auto' with method", () => {
  it('is refused in integratedGradients and attribute alike, naming both options', async () => {
    for (const run of [
      () => integratedGradients(steepSigmoid(1, 0), x, { steps: 'auto', method: 'gauss-legendre' }),
      () => attribute(steepSigmoid(1, 0), x, { steps: 'auto', method: 'riemann-trapezoid' }),
    ]) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message).toMatch(/steps: 'auto' places its own points .* cannot use method '(gauss-legendre|riemann-trapezoid)'/);
    }
    await expect(attribute(steepSigmoid(1, 0), x, { algorithm: 'blur-ig', steps: 'auto' })).rejects.toThrow('give blur-ig a number of steps');
  });
});

describe('onProgress', () => {
  it("reports one fixed total per call: the cap with steps: 'auto', never refilled", async () => {
    const calls: [number, number][] = [];
    const result = await integratedGradients(steepSigmoid(200, 0.5), x, {
      steps: 'auto',
      maxSteps: 65,
      tolerance: 1e-3,
      batchSize: 4,
      onProgress: (d, t) => calls.push([d, t]),
    });
    expect(new Set(calls.map(([, t]) => t))).toEqual(new Set([65]));
    const done = calls.map(([d]) => d);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(result.gradientEvaluations);
  });
});
