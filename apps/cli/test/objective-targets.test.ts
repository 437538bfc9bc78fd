/**
 * `--target-region CLASS --region-mask FILE` and `--target-weights FILE` against Captum 0.7.0's
 * IntegratedGradients of the same objectives (fixtures/segmentation/make_fixtures.py): a small
 * segmentation net with the forward wrapped as `(model(x)[:, c] * mask).sum(dim=(1, 2))` and as
 * `(model(x) * w).sum(dim=(1, 2, 3))`, and a multi-output regressor as `(model(x) * w).sum(dim=1)`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeNpy } from './reliability/models.js';

const dir = (name: string): string => fixture('segmentation', name);
const reference = JSON.parse(readFileSync(dir('reference.json'), 'utf8')) as {
  regionClass: number;
  regionPixels: number;
  cases: Record<'region' | 'weights' | 'regress', { fInput: number[]; fBaseline: number[]; captumDelta: number[] }>;
};

interface Report {
  target: unknown;
  fInput: number;
  fBaseline: number;
  delta: number;
  examples: { target: unknown; fInput: number; fBaseline: number; delta: number }[];
}

function explain(args: readonly string[]): { attributions: Float32Array; shape: readonly number[]; report: Report; stdout: string } {
  const out = tempDir('objective');
  const run = ig(['explain', ...args, '--out', join(out, 'attr.npy'), '--json', join(out, 'report.json')]);
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.code).toBe(0);
  const { data, shape } = readFloat32Npy(join(out, 'attr.npy'));
  return { attributions: data, shape, report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report, stdout: run.stdout };
}

function measure(name: string, values: Record<string, number>): void {
  if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ name, ...values }));
}

/**
 * Attributions within `attr` of max |Captum| and each example's sum within `sum` of Σ |Captum|;
 * F(x), F(x') and the completeness delta within `f` of max(|F(x)|, |F(x')|), the scale F is
 * rounded at (Captum ran the same 50-point Gauss–Legendre rule, so its delta is the reference for ours).
 */
function expectCaptum(
  name: 'region' | 'weights' | 'regress',
  got: { attributions: Float32Array; report: Report },
  tolerance: { attr: number; sum: number; f: number },
): void {
  const want = readFloat32Npy(dir(`captum_${name}.npy`)).data;
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const attrDeviation = got.attributions.reduce((m, v, i) => Math.max(m, Math.abs(v - (want[i] as number))), 0) / scale;
  const examples = got.report.examples.length;
  const per = want.length / examples;
  const truth = reference.cases[name];
  got.report.examples.forEach((example, e) => {
    const slice = (a: Float32Array): Float32Array => a.subarray(e * per, (e + 1) * per);
    const sumDeviation = Math.abs(slice(got.attributions).reduce((s, v) => s + v, 0) - slice(want).reduce((s, v) => s + v, 0));
    const sumScale = slice(want).reduce((s, v) => s + Math.abs(v), 0);
    const fScale = Math.max(Math.abs(truth.fInput[e] as number), Math.abs(truth.fBaseline[e] as number));
    const fDeviation = Math.max(Math.abs(example.fInput - (truth.fInput[e] as number)), Math.abs(example.fBaseline - (truth.fBaseline[e] as number))) / fScale;
    const deltaDeviation = Math.abs(example.delta - (truth.captumDelta[e] as number)) / fScale;
    measure(`${name}[${e}]`, { attrDeviation, sum: sumDeviation / sumScale, f: fDeviation, delta: deltaDeviation });
    expect(sumDeviation / sumScale).toBeLessThan(tolerance.sum);
    expect(fDeviation).toBeLessThan(tolerance.f);
    expect(deltaDeviation).toBeLessThan(tolerance.f);
  });
  expect(attrDeviation).toBeLessThan(tolerance.attr);
}

const firstExample = (): string => {
  const x = readFloat32Npy(dir('seg_input.npy'));
  const size = x.data.length / (x.shape[0] as number);
  return writeNpy(join(tempDir('objective-x'), 'x.npy'), [1, ...x.shape.slice(1)], Array.from(x.data.subarray(0, size)));
};

describe('--target-region on a segmentation net, against Captum', () => {
  const seg = ['--model', dir('seg.onnx'), '--input', dir('seg_input.npy'), '--quiet'];

  // measured 2.3e-7 (attributions), 1.9e-8 (sums), 8.1e-8 (F and delta)
  const TOLERANCE = { attr: 2e-6, sum: 2e-7, f: 1e-6 };

  it('a .npy mask: both examples match Captum, and the report records the region', () => {
    const run = explain([...seg, '--target-region', String(reference.regionClass), '--region-mask', dir('region_mask.npy')]);
    expect(run.shape).toEqual([2, 3, 16, 16]);
    expectCaptum('region', run, TOLERANCE);
    const record = {
      kind: 'region',
      class: reference.regionClass,
      mask: dir('region_mask.npy'),
      pixels: reference.regionPixels,
      outputShape: [4, 16, 16],
      layout: 'nchw',
    };
    expect(run.report.target).toEqual(record);
    expect(run.report.examples.map((e) => e.target)).toEqual([record, record]);
  });

  it('the same mask as an RGBA PNG (opaque white inside, transparent outside) gives the same attributions; a label names the class', () => {
    const labels = join(tempDir('objective-labels'), 'labels.txt');
    writeFileSync(labels, 'background\nroad\ncar\nsky\n');
    const png = explain([...seg, '--target-region', 'car', '--labels', labels, '--region-mask', dir('region_mask.png')]);
    const npy = explain([...seg, '--target-region', String(reference.regionClass), '--region-mask', dir('region_mask.npy')]);
    expect(Array.from(png.attributions)).toEqual(Array.from(npy.attributions));
    expect(png.report.target).toMatchObject({ kind: 'region', class: 2, label: 'car', pixels: reference.regionPixels });
  });

  it('the text report names the region', () => {
    const out = tempDir('objective-text');
    const run = ig(['explain', ...seg.slice(0, -1), '--target-region', '2', '--region-mask', dir('region_mask.npy'), '--out', join(out, 'a.npy')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`target region of class 2 over ${reference.regionPixels} pixels of ${dir('region_mask.npy')}: F(x) = `);
  });

  it('completeness: on a long path, Σ attributions = objective(x) − objective(baseline) as Captum evaluates the objective', () => {
    const run = explain([...seg, '--target-region', '2', '--region-mask', dir('region_mask.npy'), '--steps', '2000', '--method', 'riemann-trapezoid']);
    const per = run.attributions.length / 2;
    [0, 1].forEach((e) => {
      const sum = run.attributions.subarray(e * per, (e + 1) * per).reduce((s, v) => s + v, 0);
      const change = (reference.cases.region.fInput[e] as number) - (reference.cases.region.fBaseline[e] as number);
      measure(`region completeness[${e}]`, { relative: Math.abs(sum - change) / Math.abs(change) });
      // Each ReLU that switches along the path makes the gradient jump, so the rule's error
      // falls as 1/steps, not faster: measured 1.5e-4 and 2.3e-4 at 2000 points (4e-3 at 50).
      expect(Math.abs(sum - change) / Math.abs(change)).toBeLessThan(1e-3);
    });
  });
});

describe('--target-weights, against Captum', () => {
  it('segmentation weights [1, C, H, W] (float64): matches Captum and the report records the file and its shape', () => {
    const run = explain(['--model', dir('seg.onnx'), '--input', firstExample(), '--target-weights', dir('seg_weights.npy'), '--quiet']);
    // measured 2.1e-7, 1.8e-8, 1.2e-6 (F sums 1024 weighted outputs)
    expectCaptum('weights', run, { attr: 2e-6, sum: 2e-7, f: 1e-5 });
    expect(run.report.target).toEqual({ kind: 'weights', file: dir('seg_weights.npy'), shape: [1, 4, 16, 16] });
  });

  it('a multi-output regressor with weights [3] from a non-zero baseline: matches Captum, and Σ attributions = F(x) − F(x′)', () => {
    const run = explain([
      '--model',
      dir('regress.onnx'),
      '--input',
      dir('regress_input.npy'),
      '--baseline',
      dir('regress_baseline.npy'),
      '--target-weights',
      dir('regress_weights.npy'),
      '--quiet',
    ]);
    // measured 9.5e-7, 5.9e-7, 1.5e-7
    expectCaptum('regress', run, { attr: 5e-6, sum: 5e-6, f: 1.5e-6 });
    const change = (reference.cases.regress.fInput[0] as number) - (reference.cases.regress.fBaseline[0] as number);
    const sum = run.attributions.reduce((s, v) => s + v, 0);
    measure('regress completeness', { relative: Math.abs(sum - change) / Math.abs(change) });
    // a smooth model: 50 Gauss–Legendre points converge to float32 rounding (measured 1.0e-6; Captum's delta is 2.8e-9)
    expect(Math.abs(sum - change) / Math.abs(change)).toBeLessThan(3e-6);
    expect(run.report.target).toEqual({ kind: 'weights', file: dir('regress_weights.npy'), shape: [3] });
  });

  it('the text report names the weights file and its shape', () => {
    const run = ig(['explain', '--model', dir('regress.onnx'), '--input', dir('regress_input.npy'), '--target-weights', dir('regress_weights.npy')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`target weights ${dir('regress_weights.npy')} [3]: F(x) = `);
  });
});
