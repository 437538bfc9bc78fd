import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumMethodCases, captumMethodPath, captumModelPath, captumPath, type CaptumMethodCase } from '@ig/test-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, readFloat32Npy, tempDir, writeIrisTfjsModel, writeSmallCnnTfjsModel } from './helpers.js';

// Captum 0.7.0's Saliency(abs=False), InputXGradient and IG(multiply_by_inputs=False), written by
// scripts/fixtures/make_method_references.py.
const cases = captumMethodCases();
const FLAGS: Record<CaptumMethodCase['method'], string[]> = {
  saliency: ['--algorithm', 'saliency'],
  input_x_gradient: ['--algorithm', 'input-x-gradient'],
  ig_no_multiply_gausslegendre_50: ['--no-multiply-by-inputs', '--steps', '50'],
};
/** Float32 gradients of the same network on another engine: measured ≤ 2.7e-7 of max |attr| (onnx and tfjs). */
const FLOAT32_ATTR = 2e-6;

function maxDeviation(got: Float32Array, expected: Float32Array): number {
  let worst = 0;
  let scale = 0;
  expected.forEach((v, i) => {
    worst = Math.max(worst, Math.abs((got[i] as number) - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return worst / scale;
}

/** A CNN input or baseline as NHWC [1, 28, 28, 1] for the tfjs model (one channel: the same numbers). */
function nhwc(path: string, dir: string): string {
  const out = join(dir, path.split('/').slice(-2).join('_'));
  writeFileSync(out, formatNpy(readFloat32Npy(path).data, [1, 28, 28, 1]));
  return out;
}

describe.each(['onnx', 'tfjs'] as const)('ig explain --algorithm on %s matches Captum', (engine) => {
  const dir = tempDir(`methods-${engine}`);
  const models: Record<string, string> = {};
  beforeAll(async () => {
    models['iris_mlp'] = engine === 'onnx' ? captumModelPath('iris_mlp') : await writeIrisTfjsModel(join(dir, 'iris'));
    models['small_cnn'] = engine === 'onnx' ? fixture('..', '..', 'assets', 'small_cnn.onnx') : await writeSmallCnnTfjsModel(join(dir, 'cnn'));
  });
  const file = (c: CaptumMethodCase, path: string): string => (engine === 'tfjs' && c.model === 'small_cnn' ? nhwc(captumPath(path), dir) : captumPath(path));

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const out = join(dir, `${c.id.replace('/', '_')}.npy`);
    const run = ig([
      'explain',
      '--model',
      models[c.model] as string,
      '--input',
      file(c, c.input_file),
      // Saliency and input × gradient take no baseline (the CLI refuses one).
      ...(c.method.startsWith('ig_') ? ['--baseline', file(c, c.baseline_file)] : []),
      '--target',
      String(c.target),
      ...FLAGS[c.method],
      '--out',
      out,
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const deviation = maxDeviation(readFloat32Npy(out).data, readFloat32Npy(captumMethodPath(c.attribution_file)).data);
    if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ engine, id: c.id, deviation }));
    expect(deviation).toBeLessThan(FLOAT32_ATTR);
  });

  it('blur-ig, guided-ig, expected-gradients, an objective, noise and a reducer run and report what they should', () => {
    const cnn = (flags: string[], name: string): { json: Record<string, unknown>; out: Float32Array; shape: readonly number[] } => {
      const out = join(dir, `${name}.npy`);
      const json = join(dir, `${name}.json`);
      const c = cases.find((k) => k.model === 'small_cnn') as CaptumMethodCase;
      const run = ig([
        'explain',
        '--model',
        models['small_cnn'] as string,
        '--input',
        file(c, c.input_file),
        '--target',
        '3',
        ...flags,
        '--out',
        out,
        '--json',
        json,
        '--quiet',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const array = readFloat32Npy(out);
      return { json: JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>, out: array.data, shape: array.shape };
    };
    const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);
    const blur = cnn(['--algorithm', 'blur-ig', '--max-sigma', '4', '--steps', '200'], 'blur');
    // Completeness against F(x) − F(blur(x, 4)): the report's figures agree with the written attributions.
    expect(blur.json['algorithm']).toBe('blur-ig');
    expect(sum(blur.out) - ((blur.json['fInput'] as number) - (blur.json['fBaseline'] as number))).toBeCloseTo(blur.json['delta'] as number, 5);
    expect(blur.json['relativeError'] as number).toBeLessThan(0.02);
    const guided = cnn(['--algorithm', 'guided-ig', '--fraction', '0.1', '--max-dist', '0.1', '--steps', '64'], 'guided');
    expect(guided.json['steps']).toBe(64);
    expect(sum(guided.out) - ((guided.json['fInput'] as number) - (guided.json['fBaseline'] as number))).toBeCloseTo(guided.json['delta'] as number, 5);
    const references = join(dir, 'references.npy');
    writeFileSync(
      references,
      formatNpy(
        new Float32Array(3 * 784).map((_, i) => (i % 7) / 7),
        [3, 1, 28, 28],
      ),
    );
    const expected = cnn(
      ['--algorithm', 'expected-gradients', '--baseline-set', engine === 'tfjs' ? nhwcSet(references, dir) : references, '--samples', '16', '--seed', '5'],
      'eg',
    );
    expect(expected.json['steps']).toBe(16);
    const probability = cnn(['--objective', 'probability'], 'probability');
    const logProbability = cnn(['--objective', 'log-probability'], 'log-probability');
    expect(Math.log(probability.json['fInput'] as number)).toBeCloseTo(logProbability.json['fInput'] as number, 5);
    // 50 Gauss–Legendre points across ReLU kinks: measured 1.7e-3 on both engines.
    expect(probability.json['relativeError'] as number).toBeLessThan(5e-3);
    const noisy = cnn(['--algorithm', 'saliency', '--noise', 'smoothgrad-sq', '--samples', '3', '--stdev', '0.05'], 'noise');
    expect(noisy.out.every((v) => v >= 0)).toBe(true);
    const reduced = cnn(['--algorithm', 'input-x-gradient', '--reducer', 'sum'], 'reduced');
    const plain = cnn(['--algorithm', 'input-x-gradient'], 'plain');
    expect(reduced.shape).toEqual([1, 28, 28]);
    expect(Array.from(reduced.out)).toEqual(Array.from(plain.out));
  });
});

/** A reference set [M, 1, 28, 28] as NHWC [M, 28, 28, 1]. */
function nhwcSet(path: string, dir: string): string {
  const array = readFloat32Npy(path);
  const out = join(dir, 'references-nhwc.npy');
  writeFileSync(out, formatNpy(array.data, [array.shape[0] as number, 28, 28, 1]));
  return out;
}

describe('ig explain refuses algorithm options that do not fit', () => {
  it('names the option and the algorithm it belongs to', () => {
    const run = ig([
      'explain',
      '--model',
      captumModelPath('iris_mlp'),
      '--input',
      captumPath('data', 'iris_mlp', 'input_setosa_row1.npy'),
      '--algorithm',
      'saliency',
      '--max-sigma',
      '3',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--max-sigma is an option of --algorithm blur-ig, not saliency/);
    const missing = ig([
      'explain',
      '--model',
      captumModelPath('iris_mlp'),
      '--input',
      captumPath('data', 'iris_mlp', 'input_setosa_row1.npy'),
      '--algorithm',
      'expected-gradients',
    ]);
    expect(missing.stderr).toMatch(/needs --baseline-set/);
    const layer = ig([
      'explain',
      '--model',
      fixture('..', '..', 'assets', 'small_cnn.onnx'),
      '--input',
      captumPath('data', 'small_cnn', 'input1.npy'),
      '--layer',
      '/features/features.2/Relu_output_0',
      '--algorithm',
      'saliency',
    ]);
    expect(layer.code).not.toBe(0);
    expect(layer.stderr).toMatch(/--layer attributes with plain Integrated Gradients only/);
  });
});
