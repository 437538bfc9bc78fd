/**
 * `ig check --target-weights` and `--target-region`: the axioms are checked on the objective
 * Σ w·output. Its completeness figures must be those of `ig explain` for the same objective, and
 * F(x) − F(x′) the one Captum's forward gives (fixtures/segmentation/make_fixtures.py).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeNpy } from './reliability/models.js';

const dir = tempDir('check-objective');
const file = (name: string): string => fixture('segmentation', name);
const reference = JSON.parse(readFileSync(file('reference.json'), 'utf8')) as {
  cases: Record<'region' | 'regress', { fInput: number[]; fBaseline: number[] }>;
};
const seg = file('seg.onnx');
const x = readFloat32Npy(file('seg_input.npy'));
const firstExample = writeNpy(join(dir, 'x0.npy'), [1, ...x.shape.slice(1)], Array.from(x.data.subarray(0, x.data.length / (x.shape[0] as number))));
const region = ['--target-region', '2', '--region-mask', file('region_mask.npy')];
const regressor = ['--model', file('regress.onnx'), '--input', file('regress_input.npy'), '--baseline', file('regress_baseline.npy')];

interface Completeness {
  attributionSum: number;
  outputDifference: number;
  relativeError: number;
}

function check(args: readonly string[]): { completeness: Completeness; target: unknown; passed: boolean } {
  const json = join(dir, `check-${Math.random().toString(36).slice(2)}.json`);
  const run = ig(['check', ...args, '--json', json, '--quiet']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { passed: boolean; target: unknown; checks: { axiom: string; values: Completeness }[] };
  return { completeness: report.checks.find((c) => c.axiom === 'completeness')?.values as Completeness, target: report.target, passed: report.passed };
}

function explain(args: readonly string[]): { sum: number; fInput: number; fBaseline: number; target: unknown } {
  const out = join(dir, `attr-${Math.random().toString(36).slice(2)}`);
  const run = ig(['explain', ...args, '--out', `${out}.npy`, '--json', `${out}.json`, '--quiet']);
  expect(run.code).toBe(0);
  const report = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { fInput: number; fBaseline: number; target: unknown };
  return { sum: readFloat32Npy(`${out}.npy`).data.reduce((s, v) => s + v, 0), ...report };
}

/** The check's figures against explain's (the same integral: float32 summation order only) and against Captum's F. */
function expectSameFigures(args: readonly string[], truth: { fInput: number[]; fBaseline: number[] }): Completeness {
  const checked = check(args);
  const explained = explain(args);
  const change = (truth.fInput[0] as number) - (truth.fBaseline[0] as number);
  const { attributionSum, outputDifference } = checked.completeness;
  if (process.env.IG_MEASURE !== undefined)
    console.log(
      JSON.stringify({
        sum: Math.abs(attributionSum - explained.sum) / Math.abs(change),
        difference: Math.abs(outputDifference - (explained.fInput - explained.fBaseline)) / Math.abs(change),
        captum: Math.abs(outputDifference - change) / Math.abs(truth.fInput[0] as number),
      }),
    );
  // measured 2.2e-8 and 3.6e-8 of |F(x) − F(x′)|; F itself 1.0e-6 and 3.1e-8 (the check sums the
  // objective of 1024 outputs in float64, explain's core in float32)
  expect(Math.abs(attributionSum - explained.sum)).toBeLessThan(4e-7 * Math.abs(change));
  expect(Math.abs(outputDifference - (explained.fInput - explained.fBaseline))).toBeLessThan(5e-6 * Math.abs(change));
  // F is rounded at the scale of |F(x)|: measured 0 and 3.6e-7 of it
  expect(Math.abs(outputDifference - change)).toBeLessThan(1e-6 * Math.abs(truth.fInput[0] as number));
  expect(checked.target).toEqual(explained.target);
  return checked.completeness;
}

describe('ig check with an objective', () => {
  it('--target-region: the completeness figures are explain’s and Captum’s for the region objective', () => {
    const figures = expectSameFigures(['--model', seg, '--input', firstExample, ...region], reference.cases.region);
    expect(figures.relativeError).toBeLessThan(0.01);
  });

  it('--target-weights on a regressor from a baseline file: the same figures as explain’s and Captum’s', () => {
    const figures = expectSameFigures([...regressor, '--target-weights', file('regress_weights.npy')], reference.cases.regress);
    expect(figures.relativeError).toBeLessThan(1e-5);
  });

  it('refuses what explain refuses, with the same exit code (2: usage, 1: a file that does not fit) and no report', () => {
    const json = join(dir, 'refused.json');
    const cases: [readonly string[], RegExp, 1 | 2][] = [
      [['--target', '1', ...region], /--target-region defines what is explained; drop --target 1/, 2],
      [['--region-mask', file('region_mask.npy')], /--region-mask goes with --target-region CLASS/, 2],
      [['--target-region', '2'], /--target-region needs --region-mask FILE/, 2],
      [['--target-weights', file('seg_weights.npy'), ...region], /give either --target-weights or --target-region, not both/, 2],
      [['--target-weights', file('regress_weights.npy')], /--target-weights has shape \[3\] \(3 values\) but one example's output is \[4, 16, 16\]/, 1],
      [['--layer', 'anything'], /ig check checks the attributions to the model input; --layer is not available here/, 2],
    ];
    for (const [args, message, code] of cases) {
      const run = ig(['check', '--model', seg, '--input', firstExample, ...args, '--json', json]);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(code);
      expect(existsSync(json)).toBe(false);
    }
  });
});
