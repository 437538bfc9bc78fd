import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from '../helpers.js';
import { singleOutputOnnx, singleOutputTfjs, writeNpy } from './models.js';

interface Report {
  passed: boolean;
  checks: { axiom: string; passed: boolean; values: Record<string, number> }[];
}

const x = [0.4, -0.2, 0.8, 0.3];
const z = 0.5 * x[0]! - x[1]! + 0.25 * x[2]! + 2 * x[3]!;

function checkRun(model: string, dir: string): Report {
  const json = join(dir, 'axioms.json');
  const run = ig(['check', '--model', model, '--input', writeNpy(join(dir, 'x.npy'), [1, 4], x), '--steps', '64', '--json', json]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(readFileSync(json, 'utf8')) as Report;
}

describe('ig check on single-output models', () => {
  it('ONNX: every axiom passes and completeness matches sigmoid(x·w) − sigmoid(0)', () => {
    const dir = tempDir('check-1-onnx');
    const report = checkRun(singleOutputOnnx(join(dir, 'm.onnx')), dir);
    expect(report.passed).toBe(true);
    const completeness = report.checks.find((c) => c.axiom === 'completeness');
    // float32 model outputs: agreement to ~1e-7.
    expect(completeness?.values['outputDifference']).toBeCloseTo(1 / (1 + Math.exp(-z)) - 0.5, 6);
    expect(report.checks.find((c) => c.axiom === 'linearity')?.values).toMatchObject({ target: 0, otherTarget: 0 });
  });

  it('TensorFlow.js: every axiom passes and completeness matches tanh(x·w + 0.1) − tanh(0.1)', async () => {
    const dir = tempDir('check-1-tfjs');
    const report = checkRun(await singleOutputTfjs(join(dir, 'model')), dir);
    expect(report.passed).toBe(true);
    const completeness = report.checks.find((c) => c.axiom === 'completeness');
    expect(completeness?.values['outputDifference']).toBeCloseTo(Math.tanh(z + 0.1) - Math.tanh(0.1), 6);
  });
});
