import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { withExternalData } from './external-data-model.js';
import { captumCases, expectMatchesCaptum, explainLikeCaptum, type CaptumCase } from './captum.js';

describe('ONNX models with external data files', () => {
  const dir = tempDir('external-data');
  mkdirSync(join(dir, 'model'));
  const model = withExternalData(captumModelPath('iris_mlp'), join(dir, 'model'), 'iris.onnx');

  it('ig explain reads the weights beside the model and reproduces Captum', () => {
    const c = captumCases.find((k) => k.model === 'iris_mlp') as CaptumCase;
    const out = join(dir, 'a.npy');
    const run = explainLikeCaptum(c, { model, input: captumPath(c.input_file), baseline: captumPath(c.baseline_file), out, report: join(dir, 'a.json') });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectMatchesCaptum(readFloat32Npy(out), c, 'onnx');
  });

  it('a missing weights file is an error naming the tensor and the file', () => {
    const moved = join(dir, 'alone.onnx');
    writeFileSync(moved, readFileSync(model));
    const run = ig(['inspect', moved]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/alone\.onnx: tensor "[^"]+": external data file "weights\.bin" could not be read: ENOENT/);
  });
});
