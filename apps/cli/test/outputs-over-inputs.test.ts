/**
 * An output path that is one of the run's own input files (the model, the input, --labels, …),
 * directly or through a link, is refused before anything is written, naming both options.
 */
import { copyFileSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from './helpers.js';

const dir = tempDir('outputs-over-inputs');
const model = join(dir, 'iris.onnx');
const input = join(dir, 'x.npy');
copyFileSync(captumModelPath('iris_mlp'), model);
copyFileSync(captumPath('data', 'iris_mlp', 'input_virginica_row101.npy'), input);
const explain = ['explain', '--model', model, '--input', input, '--target', '2', '--steps', '8', '-q'];

describe('outputs that are the run’s own inputs', () => {
  it('refuses --json naming the model and --out naming the input through a link, and leaves them as they were', () => {
    const modelBytes = readFileSync(model);
    const onModel = ig([...explain, '--json', model]);
    expect(onModel.code).toBe(2);
    expect(onModel.stderr).toContain(`--json ${model} is the --model file ${model}; writing it would replace that input`);
    const link = join(dir, 'x-link.npy');
    symlinkSync(input, link);
    const onInput = ig([...explain, '--out', link]);
    expect(onInput.code).toBe(2);
    expect(onInput.stderr).toContain(`--out ${link} is the --input file ${input}`);
    expect(readFileSync(model).equals(modelBytes)).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('refuses --json naming the --labels file of ig check', () => {
    const labels = join(dir, 'labels.txt');
    writeFileSync(labels, 'setosa\nversicolor\nvirginica\n');
    const run = ig(['check', '--model', model, '--input', input, '--labels', labels, '--json', labels]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--json ${labels} is the --labels file`);
    expect(readFileSync(labels, 'utf8')).toBe('setosa\nversicolor\nvirginica\n');
  });

  it('refuses grad-graph -o naming its own model', () => {
    const bytes = readFileSync(model);
    const run = ig(['grad-graph', model, '-o', model]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--output ${model} is the model file ${model}`);
    expect(readFileSync(model).equals(bytes)).toBe(true);
  });

  it('refuses an ig batch --out-dir where an item’s output would replace its input', () => {
    const folder = join(dir, 'batch');
    mkdirSync(folder);
    const item = join(folder, 'x.npy');
    copyFileSync(input, item);
    const bytes = readFileSync(item);
    const run = ig(['batch', '--model', model, '--inputs', folder, '--out-dir', folder, '--target', '2', '--steps', '8', '-q']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--out-dir ${folder} would write ${item} over the input ${item}; give another --out-dir`);
    expect(readFileSync(item).equals(bytes)).toBe(true);
  });
});
