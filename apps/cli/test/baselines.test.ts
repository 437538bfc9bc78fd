import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@ig/core';
import { buildBaselines } from '../src/baselines.js';
import type { LoadedInput } from '../src/inputs.js';
import { formatNpy } from '../src/npy.js';

const settings = (baseline: string, baselineCount = 1) => ({ baseline, baselineCount, seed: 7 });
const npyInput = (data: number[], shape: number[]): LoadedInput => ({
  tensor: { data: Float32Array.from(data), shape },
  layout: 'nchw',
  image: null,
  normalization: null,
});

describe('baselines from the command line', () => {
  it('takes a baseline file that broadcasts to the input, and names one that does not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ig-baseline-file-'));
    const input = npyInput(
      Array.from({ length: 12 }, (_, i) => i),
      [1, 3, 2, 2],
    );
    const perChannel = join(dir, 'channels.npy');
    writeFileSync(perChannel, formatNpy(Float32Array.of(1, 2, 3), [3, 1, 1]));
    expect(buildBaselines(settings(perChannel), input)).toEqual({ data: Float32Array.of(1, 2, 3), shape: [3, 1, 1] });
    const wrong = join(dir, 'wrong.npy');
    writeFileSync(wrong, formatNpy(new Float32Array(4), [2, 2, 1]));
    expect(() => buildBaselines(settings(wrong), input)).toThrow(
      `baseline ${wrong} has shape [2, 2, 1], which does not broadcast to the input's shape [1, 3, 2, 2] (aligned from the last axis, each of its axes must be 1 or the input's)`,
    );
  });

  it('black and white go through the image normalization, per channel', () => {
    const input: LoadedInput = {
      tensor: { data: new Float32Array(3 * 2 * 2), shape: [1, 3, 2, 2] },
      layout: 'nchw',
      image: { width: 2, height: 2, data: new Uint8ClampedArray(16) },
      normalization: { mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2] },
    };
    const black = buildBaselines(settings('black'), input) as Tensor;
    expect(Array.from(black.data)).toEqual([-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0]);
    const white = buildBaselines(settings('white'), { ...input, layout: 'nhwc', tensor: { data: new Float32Array(12), shape: [1, 2, 2, 3] } }) as Tensor;
    expect(Array.from(white.data.subarray(0, 6))).toEqual([1, 3, 0.5, 1, 3, 0.5]);
    expect(buildBaselines(settings('black'), npyInput([1, 2], [1, 2]))).toBe(0);
    expect(buildBaselines(settings('white'), npyInput([1, 2], [1, 2]))).toBe(1);
  });

  it('uniform draws within the input range; --baselines N averages N different draws, reproducibly', () => {
    const input = npyInput([-2, 0, 3, 1], [1, 4]);
    const spec = buildBaselines(settings('uniform', 3), input) as { average: Tensor[] };
    expect(spec.average).toHaveLength(3);
    for (const sample of spec.average) for (const v of sample.data) expect(v >= -2 && v <= 3).toBe(true);
    expect(Array.from(spec.average[0]?.data ?? [])).not.toEqual(Array.from(spec.average[1]?.data ?? []));
    const again = buildBaselines(settings('uniform', 3), input) as { average: Tensor[] };
    expect(Array.from(again.average[2]?.data ?? [])).toEqual(Array.from(spec.average[2]?.data ?? []));
  });

  it('gaussian samples have the input’s mean and spread', () => {
    const data = Array.from({ length: 20000 }, (_, i) => (i % 2 === 0 ? 1 : 5)); // mean 3, std 2
    const sample = buildBaselines(settings('gaussian'), npyInput(data, [1, 20000])) as Tensor;
    const mean = sample.data.reduce((a, b) => a + b, 0) / sample.data.length;
    const std = Math.sqrt(sample.data.reduce((a, b) => a + (b - mean) ** 2, 0) / sample.data.length);
    // sampling error, not float32: standard errors 2/√20000 = 0.014 (mean) and 0.01 (std); 0.05 is 3.5 and 5 of them
    expect(Math.abs(mean - 3)).toBeLessThan(0.05);
    expect(Math.abs(std - 2)).toBeLessThan(0.05);
  });

  it('blur spreads a point into a Gaussian of σ = max(H, W)/8 and keeps constants', () => {
    const size = 64;
    const point = new Array(size * size).fill(0);
    point[32 * size + 32] = 1;
    const blurred = buildBaselines(settings('blur'), npyInput(point, [1, 1, size, size])) as Tensor;
    const sigma = size / 8;
    // a sampled 2-D Gaussian cut at 3σ and renormalized, separable: its peak is (1/Σᵢ e^(−i²/2σ²))²
    // over |i| ≤ ⌈3σ⌉, and one σ away it is e^(−1/2) of the peak (float32 rounding: measured ≤ 6.8e-8 relative)
    const radius = Math.ceil(3 * sigma);
    const total = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma))).reduce((a, b) => a + b, 0);
    const peak = blurred.data[32 * size + 32] as number;
    expect(Math.abs(peak * total * total - 1)).toBeLessThan(5e-7);
    expect(Math.abs((blurred.data[32 * size + 40] as number) / peak / Math.exp(-0.5) - 1)).toBeLessThan(5e-7);

    const flat = buildBaselines(settings('blur'), npyInput(new Array(2 * 8 * 8).fill(0.25), [1, 8, 8, 2])) as Tensor;
    // weights summing to 1 in float64, stored in float32: 0.25 within 1 ulp (1.5e-8)
    for (const v of flat.data) expect(Math.abs(v - 0.25)).toBeLessThan(3e-8);
    expect(() => buildBaselines(settings('blur'), npyInput([1, 2, 3, 4], [1, 4]))).toThrow(/blur needs an image-shaped input/);
  });
});
