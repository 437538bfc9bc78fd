import { describe, expect, it } from 'vitest';
import { checkAxioms, functionBackend, InvalidOptionError, tensor, TargetError, type AxiomCheckOptions, type GradientBackend } from '../src/index.js';
import { expectRefusal } from './helpers/refusal.js';

/** y = [x₀ + 2x₁, x₀x₁] (outputs = 2) or y = [x₀ + 2x₁] (outputs = 1), counting forward points and gradient points. */
function model(outputs: 1 | 2): { backend: GradientBackend; calls: { forward: number; gradient: number } } {
  const calls = { forward: 0, gradient: 0 };
  const backend = functionBackend({
    forward: ([p]) => {
      calls.forward++;
      const [a, b] = p as Float32Array;
      return outputs === 2 ? [(a as number) + 2 * (b as number), (a as number) * (b as number)] : [(a as number) + 2 * (b as number)];
    },
    gradient: ([p], w) => {
      calls.gradient++;
      const [a, b] = p as Float32Array;
      const w1 = outputs === 2 ? (w[1] as number) : 0;
      return [Float32Array.of((w[0] as number) + w1 * (b as number), 2 * (w[0] as number) + w1 * (a as number))];
    },
  });
  return { backend, calls };
}
const x = tensor([1, 2], [1, 2]);

describe('checkAxioms refuses malformed options before the model runs', () => {
  const cases: [string, AxiomCheckOptions, string][] = [
    [
      'sensitivityFeatures index 42',
      { target: 0, sensitivityFeatures: [{ input: 0, index: 42 }] },
      "sensitivityFeatures[0] has index 42, outside input 0's 2 features per example (0..1)",
    ],
    [
      'dummyFeatures index -1',
      {
        target: 0,
        dummyFeatures: [
          { input: 0, index: 0 },
          { input: 0, index: -1 },
        ],
      },
      "dummyFeatures[1] has index -1, outside input 0's 2 features per example (0..1)",
    ],
    [
      'symmetricPairs input 3',
      {
        target: 0,
        symmetricPairs: [
          [
            { input: 3, index: 0 },
            { input: 0, index: 1 },
          ],
        ],
      },
      'symmetricPairs[0][0] has input 3, but the model has 1 input(s) (0..0)',
    ],
    ['linearity.a NaN', { target: 0, linearity: { a: Number.NaN } }, 'linearity.a must be a finite number, got NaN'],
    ['maxDummyProbes NaN', { target: 0, maxDummyProbes: Number.NaN }, 'maxDummyProbes must be an integer ≥ 1, got NaN'],
    ['maxDummyProbes 0', { target: 0, maxDummyProbes: 0 }, 'maxDummyProbes must be an integer ≥ 1, got 0'],
    ['maxDummyProbes -3', { target: 0, maxDummyProbes: -3 }, 'maxDummyProbes must be an integer ≥ 1, got -3'],
  ];
  for (const [name, options, message] of cases) {
    it(name, async () => {
      const { backend, calls } = model(2);
      await expectRefusal(() => checkAxioms(backend, x, options), InvalidOptionError, message);
      expect(calls).toEqual({ forward: 0, gradient: 0 });
    });
  }

  it('a target left out of a two-output model is refused after one forward pass, before any IG run', async () => {
    const { backend, calls } = model(2);
    await expectRefusal(
      () => checkAxioms(backend, x, {}),
      TargetError,
      'target is required: the model has 2 outputs per example (give a class index, one per example, or { weights })',
    );
    expect(calls).toEqual({ forward: 1, gradient: 0 });
  });

  it('a target left out of a one-output model is output 0, as for integratedGradients', async () => {
    const { backend } = model(1);
    const report = await checkAxioms(backend, x);
    // F = x₀ + 2x₁ is linear: IG = [1, 4], F(x) − F(0) = 5, every check holds.
    expect(report.passed).toBe(true);
    expect(report.checks.find((c) => c.axiom === 'completeness')?.values.outputDifference).toBeCloseTo(5, 5);
    expect(report.checks.find((c) => c.axiom === 'linearity')?.values).toMatchObject({ target: 0, otherTarget: 0 });
  });
});
