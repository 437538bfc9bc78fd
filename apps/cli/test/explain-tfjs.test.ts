import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussLegendre, seededRandom } from '@ig/core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { captumPath } from '@ig/test-fixtures';
import { fixture, ig, readFloat32Npy, tempDir, writeIrisTfjsModel } from './helpers.js';
import { captumCases, expectDeltaMatchesCaptum, expectMatchesCaptum, explainLikeCaptum, type ExampleReports } from './captum.js';
import { grayPixels, loadLayersModelFiles, referenceIntegratedGradients, targetLogits } from './reference-ig.js';

interface ExplainReport {
  target: number;
  label: string;
  method: string;
  baselines: number;
  relativeError: number;
  delta: number;
  fInput: number;
  fBaseline: number;
  examples: { refinement?: { attributionErrorBound: number | null } }[];
}

/**
 * Float32 bounds: attributions relative to max |expected| (measured 6.2e-8), their sum relative
 * to Σ|expected| (1.4e-9), logits relative to |F(x)| (measured 0: the CLI runs the same tfjs
 * cpu kernels; 1e-6 is float32 rounding of a reordered sum).
 */
const FLOAT32_ATTR = 5e-7;
const FLOAT32_SUM = 1e-8;
const FLOAT32_LOGIT = 1e-6;

function measure(name: string, values: Record<string, number>): void {
  if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ name, ...values }));
}

/** max |got − expected| / max |expected| and |Σ got − Σ expected| / Σ |expected|. */
function deviation(got: Float32Array, expected: Float64Array): { attr: number; sum: number } {
  let worst = 0;
  let scale = 0;
  let l1 = 0;
  let sumGot = 0;
  let sumExpected = 0;
  expected.forEach((e, i) => {
    worst = Math.max(worst, Math.abs((got[i] as number) - e));
    scale = Math.max(scale, Math.abs(e));
    l1 += Math.abs(e);
    sumGot += got[i] as number;
    sumExpected += e;
  });
  return { attr: worst / scale, sum: Math.abs(sumGot - sumExpected) / l1 };
}

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
    const run = explainLikeCaptum(c, { model, input: captumPath(c.input_file), baseline: captumPath(c.baseline_file), out, report });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectMatchesCaptum(readFloat32Npy(out), c, 'tfjs');
    const json = JSON.parse(readFileSync(report, 'utf8')) as ExampleReports & { target: number; steps: number; engine: string };
    expect(json).toMatchObject({ target: Array.isArray(c.target) ? c.target[0] : c.target, steps: c.n_steps, engine: 'tfjs' });
    expectDeltaMatchesCaptum(json, c, 'tfjs');
  });

  it('target auto picks the argmax and a report without --json stays on stdout', () => {
    const run = ig(['explain', '--model', model, '--input', captumPath('data', 'iris_mlp', 'input_setosa_row1.npy')]);
    expect(run.code).toBe(0);
    // logits at this input are (−0.262, 0.340, −0.355): class 1 wins
    expect(run.stdout).toMatch(/^target 1: /);
    expect(run.stdout).toMatch(/attributions: \[/);
  });
});

describe('ig explain on an image with the bundled Fashion-MNIST model', () => {
  const assets = fixture('..', '..', 'assets', 'fashion-mnist');
  const SHAPE = [1, 28, 28, 1] as const;
  const SNEAKER = 7;
  let model: LayersModel;
  let image: Float32Array;
  beforeAll(async () => {
    model = await loadLayersModelFiles(join(assets, 'model.json'));
    image = grayPixels(join(assets, 'sneaker.png'));
  });
  afterAll(() => model.dispose());

  function explain(dir: string, options: string[]): { report: ExplainReport; attributions: Float32Array } {
    const json = join(dir, 'report.json');
    const run = ig([
      'explain',
      '--model',
      join(assets, 'model.json'),
      '--input',
      join(assets, 'sneaker.png'),
      '--labels',
      join(assets, 'labels.txt'),
      '--target',
      'Sneaker',
      ...options,
      '--out',
      join(dir, 'a.npy'),
      '--json',
      json,
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const attributions = readFloat32Npy(join(dir, 'a.npy'));
    expect(attributions.shape).toEqual(SHAPE);
    return { report: JSON.parse(readFileSync(json, 'utf8')) as ExplainReport, attributions: attributions.data };
  }

  it('a black baseline and 32 Gauss–Legendre nodes give the IG of a plain tf.grad loop over the same nodes', () => {
    const { report, attributions } = explain(tempDir('fashion'), ['--baseline', 'black', '--method', 'gauss-legendre', '--steps', '32']);
    expect(report).toMatchObject({ target: SNEAKER, label: 'Sneaker' });
    const expected = referenceIntegratedGradients(model, image, new Float32Array(image.length), SHAPE, SNEAKER, gaussLegendre(32));
    const { attr, sum } = deviation(attributions, expected);
    const logits = Math.max(
      Math.abs(report.fInput - targetLogits(model, image, SHAPE, SNEAKER)),
      Math.abs(report.fBaseline - targetLogits(model, new Float32Array(image.length), SHAPE, SNEAKER)),
    );
    measure('fashion black', { attr, sum, logits });
    // float32 against the float64 sum of float32 gradients: measured 0 (the same kernels and
    // order); the bounds are float32 rounding of attributions and logits.
    expect(attr).toBeLessThan(FLOAT32_ATTR);
    expect(sum).toBeLessThan(FLOAT32_SUM);
    expect(logits).toBeLessThan(FLOAT32_LOGIT * Math.abs(report.fInput));
  });

  it('steps auto with three averaged uniform baselines lands within its tolerance of the converged integral', () => {
    const { report, attributions } = explain(tempDir('fashion'), [
      '--steps',
      'auto',
      '--tolerance',
      '0.001',
      '--baseline',
      'uniform',
      '--baselines',
      '3',
      '--seed',
      '0',
    ]);
    expect(report).toMatchObject({ target: SNEAKER, label: 'Sneaker', method: 'auto', baselines: 3 });
    // --baseline uniform --seed 0: each baseline pixel is the next U(0, 1) draw of seededRandom(0).
    const random = seededRandom(0);
    const baselines = Array.from({ length: 3 }, () => Float32Array.from(image, () => random.uniform()));
    // The integral converged (256 nodes agree with 1024 to 4e-4 of max |attr|), averaged.
    const converged = new Float64Array(image.length);
    let fBaseline = 0;
    for (const baseline of baselines) {
      referenceIntegratedGradients(model, image, baseline, SHAPE, SNEAKER, gaussLegendre(256)).forEach(
        (v, i) => (converged[i] = (converged[i] as number) + v / 3),
      );
      fBaseline += targetLogits(model, baseline, SHAPE, SNEAKER) / 3;
    }
    const change = targetLogits(model, image, SHAPE, SNEAKER) - fBaseline;
    expect(Math.abs(report.fBaseline - fBaseline)).toBeLessThan(FLOAT32_LOGIT * Math.abs(report.fInput));
    const { attr } = deviation(attributions, converged);
    const completeness = Math.abs(attributions.reduce((a, b) => a + b, 0) - change) / Math.abs(change);
    let l1 = 0;
    attributions.forEach((v, i) => (l1 += Math.abs(v - (converged[i] as number))));
    const refinement = report.examples[0]?.refinement;
    measure('fashion auto', { attr, completeness, l1: l1 / Math.abs(change), fBaseline: Math.abs(report.fBaseline - fBaseline) / Math.abs(report.fInput) });
    // Not float32 noise: the adaptive rule stops once its own completeness error is below the
    // requested 1e-3·|F(x) − F(x′)|, which bounds the total, not each pixel. Its reported
    // attribution bound (Σ|attr − exact| / |ΔF|, 0.22 here) must hold against the converged
    // integral (measured 0.042); the largest pixel error is measured at 2.0e-2 of max |attr|.
    expect(refinement?.attributionErrorBound).toBeTypeOf('number');
    expect(l1 / Math.abs(change)).toBeLessThan(refinement?.attributionErrorBound as number);
    expect(attr).toBeLessThan(4e-2);
    expect(completeness).toBeLessThan(1e-3);
  });
});
