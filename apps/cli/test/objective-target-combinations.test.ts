/**
 * --target-weights and --target-region with the options a user combines them with: other
 * methods, several random baselines, --output, --layer. Each objective is a weighted sum of
 * outputs, and every method here is linear in its objective for fixed baselines and draws, so the
 * objective's attributions must equal the same weighted sum of the attributions of its outputs
 * (each explained by --target); guided-ig, whose path depends on the objective, and layer
 * attribution are held to completeness instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeNpy } from './reliability/models.js';

const dir = tempDir('objective-combinations');
const file = (name: string): string => fixture('segmentation', name);
const x = readFloat32Npy(file('seg_input.npy'));
const input = writeNpy(join(dir, 'x0.npy'), [1, ...x.shape.slice(1)], Array.from(x.data.subarray(0, x.data.length / (x.shape[0] as number))));
const seg = ['--model', file('seg.onnx'), '--input', input];
const CLASS = 2;
const PIXELS: readonly [number, number][] = [
  [3, 4],
  [10, 12],
];

function mask(name: string, size: number, pixels: readonly [number, number][]): string {
  const values = new Array<number>(size * size).fill(0);
  for (const [h, w] of pixels) values[h * size + w] = 1;
  return writeNpy(join(dir, name), [size, size], values);
}

interface Report {
  fInput: number | null;
  fBaseline: number | null;
  delta: number | null;
}

function explain(args: readonly string[]): { attributions: Float32Array; report: Report } {
  const out = join(dir, `run-${Math.random().toString(36).slice(2)}`);
  const run = ig(['explain', ...args, '--out', `${out}.npy`, '--json', `${out}.json`, '--quiet']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return { attributions: readFloat32Npy(`${out}.npy`).data, report: JSON.parse(readFileSync(`${out}.json`, 'utf8')) as Report };
}

/** max |a − Σ parts| relative to max |a|. */
function linearityDeviation(whole: Float32Array, parts: readonly Float32Array[], weights: readonly number[]): number {
  const scale = whole.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(scale).toBeGreaterThan(0);
  return whole.reduce((m, v, i) => Math.max(m, Math.abs(v - parts.reduce((s, p, k) => s + (weights[k] as number) * (p[i] as number), 0))), 0) / scale;
}

function measure(name: string, value: number): void {
  if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ name, value }));
}

describe('--target-region with methods other than integrated-gradients', () => {
  const region = ['--target-region', String(CLASS), '--region-mask', mask('m16.npy', 16, PIXELS)];
  const perPixel = PIXELS.map(([h, w]) => ['--target', `${CLASS},${h},${w}`]);
  const methods: [string, readonly string[]][] = [
    ['saliency', ['--algorithm', 'saliency']],
    ['input-x-gradient', ['--algorithm', 'input-x-gradient']],
    ['blur-ig', ['--algorithm', 'blur-ig', '--steps', '16']],
    ['expected-gradients', ['--algorithm', 'expected-gradients', '--baseline-set', file('seg_input.npy'), '--samples', '8']],
    ['smoothgrad over integrated-gradients', ['--noise', 'smoothgrad', '--samples', '3', '--stdev', '0.1', '--steps', '16']],
  ];
  it.each(methods)('%s: the region is the sum of its pixels', (name, method) => {
    const whole = explain([...seg, ...region, ...method]).attributions;
    const parts = perPixel.map((target) => explain([...seg, ...target, ...method]).attributions);
    const deviation = linearityDeviation(whole, parts, [1, 1]);
    measure(name, deviation);
    // float32 sums of two gradients: measured 1.2e-8 to 2.8e-8 of the largest attribution
    expect(deviation).toBeLessThan(3e-7);
  });

  it('guided-ig (its path follows the objective): Σ attributions = F(x) − F(x′) of the region', () => {
    const { attributions, report } = explain([...seg, ...region, '--algorithm', 'guided-ig', '--steps', '256']);
    const change = (report.fInput as number) - (report.fBaseline as number);
    const error = Math.abs(attributions.reduce((s, v) => s + v, 0) - change) / Math.abs(change);
    measure('guided-ig completeness', error);
    // the guided path's rule error, which levels off on a ReLU net: measured 3.2e-3 at 256 steps
    expect(error).toBeLessThan(0.01);
  });
});

describe('--target-weights with several random baselines', () => {
  it('--baselines 4 --baseline gaussian: the weighted sum of the outputs’ attributions over the same baselines', () => {
    const regress = ['--model', file('regress.onnx'), '--input', file('regress_input.npy'), '--baseline', 'gaussian', '--baselines', '4', '--seed', '7'];
    const weights = Array.from(readFloat32Npy(file('regress_weights.npy')).data);
    const whole = explain([...regress, '--target-weights', file('regress_weights.npy')]);
    const parts = weights.map((_, j) => explain([...regress, '--target', String(j)]).attributions);
    const deviation = linearityDeviation(whole.attributions, parts, weights);
    measure('baselines 4', deviation);
    expect(deviation).toBeLessThan(5e-6); // measured 6.1e-7
    // and the average over the baselines keeps completeness: Σ attributions = F(x) − mean F(x′)
    const change = (whole.report.fInput as number) - (whole.report.fBaseline as number);
    const error = Math.abs(whole.attributions.reduce((s, v) => s + v, 0) - change) / Math.abs(change);
    measure('baselines 4 completeness', error);
    expect(error).toBeLessThan(8e-6); // measured 7.8e-7
  });
});

describe('--target-region on an intermediate tensor', () => {
  it('--output TENSOR (neuron attribution): the region of that tensor is the sum of its pixels', () => {
    const output = ['--output', '/down/Conv_output_0'];
    const pixels: [number, number][] = [
      [2, 3],
      [5, 6],
    ];
    const whole = explain([...seg, ...output, '--target-region', String(CLASS), '--region-mask', mask('m8.npy', 8, pixels)]).attributions;
    // the tensor's shape is not declared, so each pixel is its flat index in [classes, 8, 8]
    const parts = pixels.map(([h, w]) => explain([...seg, ...output, '--target', String(CLASS * 64 + h * 8 + w)]).attributions);
    const deviation = linearityDeviation(whole, parts, [1, 1]);
    measure('output', deviation);
    expect(deviation).toBeLessThan(3e-7);
  });

  it('--layer: Σ layer attributions = F(x) − F(x′) of the region', () => {
    const { attributions, report } = explain([
      ...seg,
      '--layer',
      '/Relu_output_0',
      '--target-region',
      '2',
      '--region-mask',
      file('region_mask.npy'),
      '--steps',
      '400',
    ]);
    const change = (report.fInput as number) - (report.fBaseline as number);
    const error = Math.abs(attributions.reduce((s, v) => s + v, 0) - change) / Math.abs(change);
    measure('layer completeness', error);
    // ReLUs switching along the path: the rule's error, measured 5.0e-4 at 400 steps
    expect(error).toBeLessThan(1e-3);
  });
});
