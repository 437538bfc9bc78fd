import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { sparkline } from '../src/refinement-lines.js';
import { ig, tempDir } from './helpers.js';

interface Refinement {
  evaluations: number;
  rounds: number;
  errorBound: number;
  attributionErrorBound: number | null;
  pointsPerBin: number[];
  errorShare: number[];
}
interface Report {
  method: string;
  autoRule: string;
  gradientEvaluations: number;
  examples: { example: number; relativeError: number; steps: number; refinement?: Refinement }[];
}

const model = captumModelPath('iris_mlp');
const input = captumPath('data', 'iris_mlp', 'input_batch3.npy');

describe('ig explain --steps auto', () => {
  it('reports how each example was refined in --json and, with --verbose, on stdout', () => {
    const json = join(tempDir('auto'), 'report.json');
    const run = ig([
      'explain',
      '--model',
      model,
      '--input',
      input,
      '--target',
      '0,1,2',
      '--steps',
      'auto',
      '--tolerance',
      '0.001',
      '--verbose',
      '--json',
      json,
    ]);
    // --verbose also prints where the time went, as one line on stderr.
    expect(run.stderr).toMatch(/^time: [^\n]*\n$/);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(report).toMatchObject({ method: 'auto', autoRule: 'adaptive' });
    expect(report.examples).toHaveLength(3);
    let evaluations = 0;
    for (const example of report.examples) {
      const r = example.refinement as Refinement;
      expect(example.relativeError).toBeLessThanOrEqual(0.001);
      expect(r.evaluations).toBe(example.steps);
      expect(r.pointsPerBin.reduce((a, b) => a + b, 0)).toBe(r.evaluations);
      expect(r.errorBound).toBeGreaterThanOrEqual(example.relativeError);
      expect(r.errorShare.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      evaluations += r.evaluations;
      // The verbose line of this example carries the same figures.
      const line = run.stdout.split('\n').find((l) => l.startsWith(`example ${example.example} `));
      expect(line).toContain(`${r.evaluations} evaluations in ${r.rounds} rounds`);
      expect(run.stdout).toContain(`${sparkline(r.pointsPerBin)}| 1   ${r.pointsPerBin.join(' ')}`);
    }
    expect(evaluations).toBe(report.gradientEvaluations);
  });

  it('--auto-rule nested doubles whole grids and reports no refinement', () => {
    const json = join(tempDir('auto'), 'report.json');
    const run = ig([
      'explain',
      '--model',
      model,
      '--input',
      input,
      '--target',
      '0,1,2',
      '--steps',
      'auto',
      '--auto-rule',
      'nested',
      '--verbose',
      '--json',
      json,
      '--quiet',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(report.autoRule).toBe('nested');
    for (const example of report.examples) {
      expect(example.refinement).toBeUndefined();
      expect(Number.isInteger(Math.log2(example.steps - 1))).toBe(true);
    }
  });

  it('refuses an unknown --auto-rule', () => {
    const run = ig(['explain', '--model', model, '--input', input, '--steps', 'auto', '--auto-rule', 'doubling']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--auto-rule.*doubling/);
  });

  it('draws bins as bars scaled to the largest, empty bins blank', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe(' ▂▃▅█');
    expect(sparkline([0, 0])).toBe('  ');
  });
});
