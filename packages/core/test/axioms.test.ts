import { describe, expect, it } from 'vitest';
import { checkAxioms, functionBackend, tensor, type AxiomReport, type GradientBackend } from '../src/index.js';
import { measure } from '@ig/browser-harness/measure';

const softplus = (z: number): number => Math.log1p(Math.exp(z));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** y0 = softplus(x0 + x1) + x2², y1 = x0·x2, y2 = tanh(x1); x3 is ignored. Symmetric in (x0, x1) for y0. */
function forward(x: Float32Array): number[] {
  const [x0, x1, x2] = [x[0] as number, x[1] as number, x[2] as number];
  return [softplus(x0 + x1) + x2 * x2, x0 * x2, Math.tanh(x1)];
}
function gradient(x: Float32Array, w: Float32Array): number[] {
  const [x0, x1, x2] = [x[0] as number, x[1] as number, x[2] as number];
  const [w0, w1, w2] = [w[0] as number, w[1] as number, w[2] as number];
  const s = sigmoid(x0 + x1);
  return [w0 * s + w1 * x2, w0 * s + w2 * (1 - Math.tanh(x1) ** 2), w0 * 2 * x2 + w1 * x0, 0];
}
type Tamper = (g: number[], x: Float32Array, w: Float32Array) => number[];
const model = (tamper: Tamper = (g) => g, name = 'analytic'): GradientBackend =>
  functionBackend(
    { forward: ([x]) => forward(x as Float32Array), gradient: ([x], w) => [Float32Array.from(tamper(gradient(x as Float32Array, w), x as Float32Array, w))] },
    name,
  );

const input = tensor([0.8, 0.8, -1.2, 3], [1, 4]);
const baseline = tensor([0.1, 0.1, 0.4, -2], [1, 4]);
const options = {
  target: 0,
  baselines: baseline,
  symmetricPairs: [
    [
      { input: 0, index: 0 },
      { input: 0, index: 1 },
    ],
  ] as const,
};
const failed = (r: AxiomReport): string[] => [...new Set(r.checks.filter((c) => !c.passed).map((c) => c.axiom))].sort();

describe('checkAxioms', () => {
  it('a correct backend passes every axiom, with the numbers compared', async () => {
    const report = await checkAxioms(model(), input, { ...options, compareBackend: model((g) => g, 'second implementation') });
    expect(failed(report)).toEqual([]);
    expect(report.passed).toBe(true);
    const axioms = report.checks.map((c) => c.axiom);
    for (const axiom of ['completeness', 'sensitivity', 'dummy', 'linearity', 'symmetry', 'implementation-invariance']) expect(axioms).toContain(axiom);
    // The ignored feature was found by probing, not told.
    expect(report.checks.filter((c) => c.axiom === 'dummy').map((c) => c.values.feature)).toEqual([3]);
    const completeness = report.checks.find((c) => c.axiom === 'completeness');
    const expected = forward(input.data)[0]! - forward(baseline.data)[0]!;
    // float32 forward passes: measured 3.9e-8 of the difference
    measure('axioms', { outputDifference: Math.abs((completeness?.values.outputDifference as number) - expected) / Math.abs(expected) });
    expect(Math.abs((completeness?.values.outputDifference as number) - expected)).toBeLessThan(2e-7 * Math.abs(expected));
    expect(report.summary.split('\n').every((line) => line.startsWith('✓'))).toBe(true);
  });

  it('a gradient with the wrong sign fails completeness and sensitivity', async () => {
    const report = await checkAxioms(
      model((g) => g.map((v) => -v)),
      input,
      options,
    );
    expect(failed(report)).toEqual(['completeness', 'sensitivity']);
    expect(report.summary).toMatch(/✗ completeness/);
  });

  it('a missing (x − x′) factor fails completeness', async () => {
    // The core multiplies by (x − x′); dividing it out here leaves the bare integrated gradient.
    const d = input.data.map((v, i) => v - (baseline.data[i] as number));
    const report = await checkAxioms(
      model((g) => g.map((v, i) => v / (d[i] as number))),
      input,
      options,
    );
    expect(failed(report)).toContain('completeness');
  });

  it('an ignored feature given attribution fails the dummy check', async () => {
    const report = await checkAxioms(
      model((g) => [g[0]!, g[1]!, g[2]!, 0.05]),
      input,
      options,
    );
    expect(failed(report)).toContain('dummy');
  });

  it("with steps: 'auto', linearity compares the three integrals on one shared rule, to float32 rounding", async () => {
    // Kinks at different α for each output: y0 = relu(x0 − 0.3) + 2·relu(x1 − 0.45), y1 = relu(x0 − 0.7) − relu(x1 − 0.2).
    const relu = (z: number): number => Math.max(0, z);
    const step = (z: number): number => (z > 0 ? 1 : 0);
    const kinked = functionBackend({
      forward: ([v]) => {
        const [x0, x1] = [(v as Float32Array)[0] as number, (v as Float32Array)[1] as number];
        return [relu(x0 - 0.3) + 2 * relu(x1 - 0.45), relu(x0 - 0.7) - relu(x1 - 0.2)];
      },
      gradient: ([v], w) => {
        const [x0, x1] = [(v as Float32Array)[0] as number, (v as Float32Array)[1] as number];
        const [w0, w1] = [w[0] as number, w[1] as number];
        return [Float32Array.of(w0 * step(x0 - 0.3) + w1 * step(x0 - 0.7), 2 * w0 * step(x1 - 0.45) - w1 * step(x1 - 0.2))];
      },
    });
    const report = await checkAxioms(kinked, tensor([1, 1], [1, 2]), { target: 0, steps: 'auto', tolerance: 0.01 });
    const linearity = report.checks.find((c) => c.axiom === 'linearity');
    expect(linearity?.passed).toBe(true);
    // The main run used 5 points; so do the three integrals of the linearity check.
    expect(linearity?.values.steps).toBe(5);
    // One rule for all three: what is left is float32 rounding (measured 3.0e-8 on a scale of 3.0); each path refined
    // on its own differed by 0.23 on a scale of 2.8, and failed.
    expect(linearity?.values.maxError as number).toBeLessThan(1e-7 * (linearity?.values.scale as number));
  });

  it('a target that is not one output index is refused, naming it', async () => {
    const weighted = { weights: [1, 1, 0] } as unknown as number;
    await expect(checkAxioms(model(), input, { ...options, target: weighted })).rejects.toThrow(
      'checkAxioms: target must be one output index, got {"weights":[1,1,0]}; to check a weighted objective, give a backend whose one output is that objective',
    );
  });

  it('a gradient that is not linear in the objective fails linearity', async () => {
    // Differentiates only the output with the largest weight, ignoring the others.
    const report = await checkAxioms(
      model((_, x, w) => {
        const k = w.indexOf(Math.max(...w));
        const one = new Float32Array(3);
        one[k] = w[k]!;
        return gradient(x, one);
      }),
      input,
      options,
    );
    expect(failed(report)).toContain('linearity');
  });

  it('a gradient that breaks a symmetry fails symmetry; a different implementation fails invariance', async () => {
    const skewed = model((g) => [g[0]!, 1.5 * g[1]!, g[2]!, g[3]!], 'skewed');
    expect(failed(await checkAxioms(skewed, input, options))).toContain('symmetry');
    const report = await checkAxioms(model(), input, { ...options, compareBackend: skewed });
    expect(failed(report)).toEqual(['implementation-invariance']);
    expect(report.summary).toMatch(/✗ implementation-invariance: analytic vs skewed/);
  });
});
