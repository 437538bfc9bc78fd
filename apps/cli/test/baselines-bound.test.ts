/**
 * --baselines N holds all N baselines through the run: an N whose baselines would not fit the
 * bound is refused before any is drawn, naming N, the bytes and the bound; hundreds still run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { files } from './input-file-fixtures.js';

const dir = tempDir('baselines-bound');

describe('--baselines N within a memory bound', () => {
  it('refuses an N whose baselines would not fit, at once, naming N, the bytes needed, the bound and the most that fit', () => {
    const started = performance.now();
    const run = ig([
      'explain',
      ...['--model', captumModelPath('iris_mlp'), '--input', captumPath('data', 'iris_mlp', 'input_virginica_row101.npy')],
      ...['--baseline', 'uniform', '--baselines', '100000000'],
    ]);
    expect(run.code).toBe(2);
    // 10⁸ baselines × 4 values × 4 bytes, held twice: 3.2 GB.
    expect(run.stderr.trim()).toBe(
      'error: --baselines 100000000 needs 3052 MiB for baselines of 4 values each (float32, held twice), above the bound of 1024 MiB; at most 33554432 fit for this input',
    );
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('runs 400 gaussian baselines of an image-shaped input [1, 3, 12, 20], completeness holding for the linear model', () => {
    const json = join(dir, 'r.json');
    const out = join(dir, 'a.npy');
    const run = ig([
      'explain',
      ...['--model', files('linear_rgb.onnx'), '--input', files('x_f4.npy'), '--target', '0', '--steps', '2'],
      ...['--baseline', 'gaussian', '--baselines', '400', '--json', json, '--out', out, '-q'],
    ]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { baselines: number; fInput: number; fBaseline: number };
    expect(report.baselines).toBe(400);
    const sum = readFloat32Npy(out).data.reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(report.fInput - report.fBaseline, 3);
  });
});
