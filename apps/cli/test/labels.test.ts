import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { ig, tempDir } from './helpers.js';

describe('--labels on a classifier', () => {
  const dir = tempDir('labels');
  const explain = (names: string, target: string) => {
    const labels = join(dir, `labels-${names.split('\n').length}.txt`);
    writeFileSync(labels, names);
    const report = join(dir, 'r.json');
    const run = ig([
      'explain',
      '--model',
      captumModelPath('iris_mlp'),
      '--input',
      captumPath('data', 'iris_mlp', 'input_virginica_row101.npy'),
      '--labels',
      labels,
      '--target',
      target,
      '--json',
      report,
      '-q',
    ]);
    return { run, report };
  };

  it('names the class of a label, one name per score', () => {
    const { run, report } = explain('setosa\nversicolor\nvirginica\n', 'virginica');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ target: 2, label: 'virginica' });
  });

  it('refuses a labels file with more or fewer names than the model has scores, which would shift every name', () => {
    for (const names of ['background\nsetosa\nversicolor\nvirginica\n', 'setosa\nversicolor\n']) {
      const { run } = explain(names, 'auto');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--labels names ${names.trim().split('\n').length} classes but the model outputs 3 scores per example`);
    }
  });
});
