/**
 * A run with random baselines can be reproduced from its --json report: the report records the
 * baseline kind, how many were drawn and --seed, and the same settings give the same numbers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';

const dir = tempDir('report-seed');
const model = captumModelPath('iris_mlp');
const input = captumPath('data', 'iris_mlp', 'input_virginica_row101.npy');

interface Report {
  readonly baseline: string;
  readonly baselines: number;
  readonly seed: number;
  readonly fBaseline: number;
}

function explain(name: string, args: readonly string[]): { report: Report; attributions: Float32Array } {
  const json = join(dir, `${name}.json`);
  const out = join(dir, `${name}.npy`);
  const run = ig(['explain', '--model', model, '--input', input, '--target', '2', '--steps', '16', ...args, '--json', json, '--out', out, '-q']);
  expect(run.code, run.stderr).toBe(0);
  return { report: JSON.parse(readFileSync(json, 'utf8')) as Report, attributions: readFloat32Npy(out).data };
}

describe('--seed in the --json reports', () => {
  it('explain records the baseline, the count and the seed, and a rerun with them gives the same attributions', () => {
    const first = explain('first', ['--baseline', 'gaussian', '--baselines', '3', '--seed', '7']);
    expect(first.report).toMatchObject({ baseline: 'gaussian', baselines: 3, seed: 7 });
    const { baseline, baselines, seed } = first.report;
    const again = explain('again', ['--baseline', baseline, '--baselines', String(baselines), '--seed', String(seed)]);
    expect(Array.from(again.attributions)).toEqual(Array.from(first.attributions));
    expect(again.report.fBaseline).toBe(first.report.fBaseline);
    const other = explain('other', ['--baseline', 'gaussian', '--baselines', '3', '--seed', '8']);
    expect(other.report.seed).toBe(8);
    expect(other.report.fBaseline).not.toBe(first.report.fBaseline);
  });

  it('explain records the default seed 0 too', () => {
    expect(explain('default', []).report).toMatchObject({ baseline: 'zero', baselines: 1, seed: 0 });
  });

  it('check and hierarchy record the baseline and the seed', () => {
    const check = join(dir, 'check.json');
    const run = ig(['check', '--model', model, '--input', input, '--baseline', 'uniform', '--seed', '5', '--json', check, '-q']);
    expect([0, 1]).toContain(run.code);
    expect(JSON.parse(readFileSync(check, 'utf8'))).toMatchObject({ baseline: 'uniform', seed: 5 });
    const tree = join(dir, 'tree.json');
    const hierarchy = ig(['hierarchy', '--model', model, '--input', input, '--baseline', 'uniform', '--seed', '3', '--json', tree, '-q']);
    expect(hierarchy.code, hierarchy.stderr).toBe(0);
    expect(JSON.parse(readFileSync(tree, 'utf8'))).toMatchObject({ baseline: 'uniform', seed: 3 });
  });
});
