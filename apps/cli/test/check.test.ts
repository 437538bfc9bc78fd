import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ig, tempDir } from './helpers.js';

describe('ig check', () => {
  const model = fixture('iris_mlp', 'iris_mlp.onnx');
  const input = fixture('iris_mlp', 'input_virginica_row101.npy');

  it('passes on a converged integral and reports completeness against F(x) − F(x′)', () => {
    const dir = tempDir('check');
    const json = join(dir, 'axioms.json');
    const run = ig(['check', '--model', model, '--input', input, '--steps', '300', '--tolerance', '0.05', '--json', json]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^✓ completeness/m);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { passed: boolean; target: number; checks: { axiom: string; values: Record<string, number> }[] };
    expect(report.passed).toBe(true);
    // logits at this input: class 1 is the argmax (target auto)
    expect(report.target).toBe(1);
    const completeness = report.checks.find((c) => c.axiom === 'completeness');
    expect(Math.abs((completeness?.values['attributionSum'] as number) - (completeness?.values['outputDifference'] as number))).toBeLessThan(0.05 * Math.abs(completeness?.values['outputDifference'] as number));
  });

  it('exits 1 when an axiom fails, naming it, and keeps the report', () => {
    const dir = tempDir('check-fail');
    const json = join(dir, 'axioms.json');
    const run = ig(['check', '--model', model, '--input', input, '--steps', '2', '--method', 'riemann-left', '--json', json]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ completeness/m);
    expect(run.stderr.trim()).toMatch(/^error: axiom check failed: completeness, sensitivity/);
    expect(existsSync(json)).toBe(true);
  });
});
