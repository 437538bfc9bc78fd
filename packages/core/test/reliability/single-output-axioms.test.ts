import { describe, expect, it } from 'vitest';
import { checkAxioms, functionBackend, tensor, TargetError } from '../../src/index.js';

// F(x) = softplus(x0 − 2·x1) + x2³: one output; x3 is ignored.
const softplus = (z: number): number => Math.log1p(Math.exp(z));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const single = functionBackend({
  forward: ([x]) => [softplus((x![0] as number) - 2 * (x![1] as number)) + (x![2] as number) ** 3],
  gradient: ([x], w) => {
    const s = sigmoid((x![0] as number) - 2 * (x![1] as number)) * (w[0] as number);
    return [[s, -2 * s, 3 * (x![2] as number) ** 2 * (w[0] as number), 0]];
  },
});
const input = tensor([0.5, -0.3, 0.9, 2], [1, 4]);

describe('checkAxioms on a single-output model', () => {
  it('runs every check, linearity combining the one output with itself', async () => {
    const report = await checkAxioms(single, input, { target: 0, steps: 64 });
    expect(report.checks.filter((c) => !c.passed)).toEqual([]);
    const completeness = report.checks.find((c) => c.axiom === 'completeness');
    const fx = softplus(0.5 + 0.6) + 0.9 ** 3;
    const f0 = softplus(0);
    // float32 path, 64 Gauss–Legendre points on a smooth integrand: error near 1e-7 relative.
    expect(completeness?.values.outputDifference).toBeCloseTo(fx - f0, 5);
    const linearity = report.checks.find((c) => c.axiom === 'linearity');
    expect(linearity?.values).toMatchObject({ target: 0, otherTarget: 0 });
    expect(linearity?.values.maxError).toBeLessThan(1e-6 * (linearity?.values.scale as number));
  });

  it('rejects a linearity target the model does not have, naming it', async () => {
    await expect(checkAxioms(single, input, { target: 0, linearity: { otherTarget: 3 } })).rejects.toThrow(TargetError);
    await expect(checkAxioms(single, input, { target: 0, linearity: { otherTarget: 3 } })).rejects.toThrow(/linearity\.otherTarget 3 .* 1 output/);
  });
});
