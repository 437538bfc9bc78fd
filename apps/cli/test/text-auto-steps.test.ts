import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from './helpers.js';

const model = fileURLToPath(new URL('../assets/text/spam.onnx', import.meta.url));
const text = 'Click here to claim your FREE prize!!';

interface Sample {
  tokenAttributions: number[];
  fInput: number;
  fBaseline: number;
  steps: number;
  refinement?: { evaluations: number; rounds: number; pointsPerBin: number[] };
}

function explain(cwd: string, extra: string[]): { run: ReturnType<typeof ig>; sample: Sample } {
  const run = ig(['--verbose', 'explain', '--model', model, '--text', text, '--target', '1', '--json', 'r.json', ...extra], { cwd });
  expect(run.code, run.stderr).toBe(0);
  return { run, sample: (JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { samples: Sample[] }).samples[0] as Sample };
}

/** |Σ attributions − (F(x) − F(x'))| / |F(x) − F(x')|, from the written numbers alone. */
const completenessError = (s: Sample): number =>
  Math.abs(s.tokenAttributions.reduce((a, b) => a + b, 0) - (s.fInput - s.fBaseline)) / Math.abs(s.fInput - s.fBaseline);

describe('ig explain --text --steps auto: the options of the path rule reach the text path', () => {
  it('adaptive: meets the tolerance, and --json and --verbose report the refinement', () => {
    const { run, sample } = explain(tempDir('text-auto'), ['--steps', 'auto', '--tolerance', '1e-4']);
    // Measured 1.3e-5 with 9 evaluations; the float32 sum of 128 token values adds ~1e-7.
    expect(completenessError(sample)).toBeLessThan(1e-4 + 1e-6);
    const refinement = sample.refinement as NonNullable<Sample['refinement']>;
    expect(refinement.evaluations).toBe(sample.steps);
    expect(refinement.pointsPerBin.reduce((a, b) => a + b, 0)).toBe(sample.steps);
    expect(run.stdout).toContain(`${refinement.evaluations} evaluations in ${refinement.rounds} rounds`);
  });

  it('--max-steps caps the evaluations; --auto-rule nested doubles whole grids and reports no refinement', () => {
    const capped = explain(tempDir('text-cap'), ['--steps', 'auto', '--tolerance', '1e-9', '--max-steps', '5']).sample;
    expect(capped.steps).toBeLessThanOrEqual(5);
    expect(capped.refinement?.evaluations).toBe(capped.steps);
    const nested = explain(tempDir('text-nested'), ['--steps', 'auto', '--tolerance', '1e-4', '--auto-rule', 'nested']).sample;
    expect(nested.refinement).toBeUndefined();
    // Nested grids have 2^k + 1 points.
    expect(Number.isInteger(Math.log2(nested.steps - 1))).toBe(true);
    expect(completenessError(nested)).toBeLessThan(1e-4 + 1e-6);
  });

  it('--check-midpoint: a midpoint that meets the tolerance costs one more gradient, at α = 1', () => {
    // Measured: the midpoint alone is within 1.3% here, and the gradient at α = 1 agrees with it within 0.1.
    const plain = explain(tempDir('text-midpoint'), ['--steps', 'auto', '--tolerance', '0.1']).sample;
    expect(plain.steps).toBe(1);
    const checked = explain(tempDir('text-midpoint-checked'), ['--steps', 'auto', '--tolerance', '0.1', '--check-midpoint']).sample;
    expect(checked.steps).toBe(2);
    expect(checked.refinement?.evaluations).toBe(2);
  });
});
