import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, ig, readFloat32Npy, tempDir, writeIrisTfjsModel } from './helpers.js';
import { captumCases, expectMatchesCaptum, methodName } from './captum.js';


const cases = captumCases;

describe('ig explain on a TensorFlow.js model.json (Captum iris MLP)', () => {
  let dir: string;
  let model: string;
  beforeAll(async () => {
    dir = tempDir('tfjs');
    model = await writeIrisTfjsModel(join(dir, 'iris'));
  });

  // one case per method and the batch case; test/onnx.test.ts runs every case on the ONNX engine
  const irisCases = cases.filter((c) => c.model === 'iris_mlp' && (c.id.includes('/c0_') || c.id.includes('/batch3')));
  it.each(irisCases.map((c) => [c.id, c] as const))('%s reproduces Captum within the manifest tolerance', (_id, c) => {
    const out = join(dir, `${c.id.replace('/', '_')}.npy`);
    const report = join(dir, `${c.id.replace('/', '_')}.json`);
    const run = ig([
      'explain', '--model', model, '--input', fixture(c.input_file), '--baseline', fixture(c.baseline_file),
      '--target', Array.isArray(c.target) ? c.target.join(',') : String(c.target), '--method', methodName(c.method), '--steps', String(c.n_steps), '--out', out, '--json', report, '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const got = readFloat32Npy(out);
    expectMatchesCaptum(got, c);
    const json = JSON.parse(readFileSync(report, 'utf8')) as { target: number; steps: number; delta: number; engine: string; fInput: number; fBaseline: number };
    expect(json).toMatchObject({ target: Array.isArray(c.target) ? c.target[0] : c.target, steps: c.n_steps, engine: 'tfjs' });
    // completeness as reported for example 0: delta = Σ attr − (F(x) − F(x'))
    const perExample = got.data.length / (got.shape[0] as number);
    const sum0 = got.data.subarray(0, perExample).reduce((a, b) => a + b, 0);
    expect(json.delta).toBeCloseTo(sum0 - (json.fInput - json.fBaseline), 5);
  });

  it('target auto picks the argmax and a report without --json stays on stdout', () => {
    const run = ig(['explain', '--model', model, '--input', fixture('iris_mlp', 'input_setosa_row1.npy')]);
    expect(run.code).toBe(0);
    // logits at this input are (−0.262, 0.340, −0.355): class 1 wins
    expect(run.stdout).toMatch(/^target 1: /);
    expect(run.stdout).toMatch(/attributions: \[/);
  });
});

describe('ig explain on an image with the bundled Fashion-MNIST model', () => {
  const assets = fixture('..', '..', 'assets', 'fashion-mnist');

  it('steps auto with a label target and averaged uniform baselines meets the tolerance', () => {
    const dir = tempDir('fashion');
    const json = join(dir, 'report.json');
    const run = ig([
      'explain', '--model', join(assets, 'model.json'), '--input', join(assets, 'sneaker.png'), '--labels', join(assets, 'labels.txt'),
      '--target', 'Sneaker', '--steps', 'auto', '--tolerance', '0.001', '--baseline', 'uniform', '--baselines', '3', '--out', join(dir, 'a.npy'), '--json', json, '--quiet',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { target: number; label: string; method: string; relativeError: number; baselines: number; delta: number; fInput: number; fBaseline: number };
    expect(report).toMatchObject({ target: 7, label: 'Sneaker', method: 'auto', baselines: 3 });
    expect(report.relativeError).toBeLessThanOrEqual(0.001);
    const attributions = readFloat32Npy(join(dir, 'a.npy'));
    expect(attributions.shape).toEqual([1, 28, 28, 1]);
    const sum = attributions.data.reduce((a, b) => a + b, 0);
    // fBaseline is the mean over the three baselines, so completeness holds for the average
    expect(sum).toBeCloseTo(report.fInput - report.fBaseline + report.delta, 4);
  });
});
