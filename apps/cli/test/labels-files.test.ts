/**
 * --labels files in the forms they come in: lines, a JSON array, a JSON object of index → name
 * and ImageNet's imagenet_class_index.json (index → [wnid, name]); names that repeat (ImageNet's
 * two 'crane's) are accepted, but a --target naming one of them is refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from './helpers.js';

const dir = tempDir('labels-files');
const iris = ['--model', captumModelPath('iris_mlp'), '--input', captumPath('data', 'iris_mlp', 'input_virginica_row101.npy'), '--steps', '8', '-q'];

function explain(name: string, contents: string, target: string) {
  const labels = join(dir, name);
  writeFileSync(labels, contents);
  const report = join(dir, `${name}.report.json`);
  const run = ig(['explain', ...iris, '--labels', labels, '--target', target, '--json', report]);
  return { run, labels, report: () => JSON.parse(readFileSync(report, 'utf8')) as { target: number; label: string } };
}

describe('--labels file forms', () => {
  it('reads a JSON object of index → name, in index order whatever the key order', () => {
    const { run, report } = explain('object.json', '{"2": "virginica", "0": "setosa", "1": "versicolor"}', 'virginica');
    expect(run.code, run.stderr).toBe(0);
    expect(report()).toMatchObject({ target: 2, label: 'virginica' });
  });

  it("reads imagenet_class_index.json's index → [wnid, name]", () => {
    const { run, report } = explain('imagenet.json', '{"0": ["n1", "setosa"], "1": ["n2", "versicolor"], "2": ["n3", "virginica"]}', 'versicolor');
    expect(run.code, run.stderr).toBe(0);
    expect(report()).toMatchObject({ target: 1, label: 'versicolor' });
  });

  it('refuses a JSON object whose keys are not class indices, naming the key and the forms it takes', () => {
    const { run, labels } = explain('obj.json', '{"a": 1}', 'auto');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${labels}: key "a" is not a class index; a JSON labels file is an array of names, an object of index → name`);
  });

  it('refuses an object that skips an index', () => {
    const { run } = explain('gap.json', '{"0": "setosa", "1": "versicolor", "3": "virginica"}', 'auto');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('class 3 is past the 3 classes the file names; give the indices 0 to 2');
  });

  it('refuses an empty file as naming no classes (not "1 classes")', () => {
    for (const [name, contents] of [
      ['empty.txt', ''],
      ['blank.txt', '\n\n'],
      ['empty.json', '[]'],
    ] as const) {
      const { run, labels } = explain(name, contents, 'auto');
      expect(run.code, name).toBe(1);
      expect(run.stderr).toContain(`${labels}: names no classes`);
    }
  });
});

describe('a label several classes share', () => {
  it('is refused as --target, listing the classes it names; the other labels and indices still work', () => {
    const duplicated = 'dog\ndog\nvirginica\n';
    const refused = explain('dup.txt', duplicated, 'dog');
    expect(refused.run.code).toBe(2);
    expect(refused.run.stderr).toContain("--target 'dog' names 2 classes of --labels (0, 1); give the index of the one you mean");
    const unique = explain('dup2.txt', duplicated, 'virginica');
    expect(unique.run.code, unique.run.stderr).toBe(0);
    expect(unique.report()).toMatchObject({ target: 2, label: 'virginica' });
    const byIndex = explain('dup3.txt', duplicated, '1');
    expect(byIndex.run.code, byIndex.run.stderr).toBe(0);
    expect(byIndex.report()).toMatchObject({ target: 1, label: 'dog' });
  });
});
