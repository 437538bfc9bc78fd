import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, ig, readFloat32Npy, tempDir, writeIrisTfjsModel } from './helpers.js';

interface CaptumCase {
  id: string;
  model: string;
  input_file: string;
  baseline_file: string;
  target: number | number[];
  method: string;
  n_steps: number;
  attribution_file: string;
  delta: number;
  tolerance: { attr_max_abs_err: number; sum_abs_err: number; delta_abs_err: number };
}

const cases = (JSON.parse(readFileSync(fixture('captum-cases.json'), 'utf8')) as { cases: CaptumCase[] }).cases;
const methodName = (m: string): string => (m === 'gausslegendre' ? 'gauss-legendre' : m.replace('_', '-'));

/** Captum's trapezoid steps sum to (n − 1)/n; the true trapezoid rule's attributions are n/(n − 1) of Captum's. */
const captumScale = (c: CaptumCase): number => (c.method === 'riemann_trapezoid' ? c.n_steps / (c.n_steps - 1) : 1);

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
    const want = readFloat32Npy(fixture(c.attribution_file));
    expect(got.shape).toEqual(want.shape);
    const scale = captumScale(c);
    let maxErr = 0;
    let sumGot = 0;
    let sumWant = 0;
    want.data.forEach((w, i) => {
      maxErr = Math.max(maxErr, Math.abs((got.data[i] as number) - w * scale));
      sumGot += got.data[i] as number;
      sumWant += w * scale;
    });
    expect(maxErr).toBeLessThanOrEqual(c.tolerance.attr_max_abs_err * scale);
    expect(Math.abs(sumGot - sumWant)).toBeLessThanOrEqual(c.tolerance.sum_abs_err * scale);
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
