import { describe, expect, it } from 'vitest';
import { combineChannels, cumulativeSumThreshold, heatmapScale, normalizeAttributions } from '../../src/visualize/index.js';
import { NonFiniteError, ShapeMismatchError } from '../../src/errors.js';

const pixels = (values: number[], width = values.length, height = 1) => ({ width, height, values: Float64Array.from(values) });

describe('cumulativeSumThreshold (Captum _cumulative_sum_threshold)', () => {
  it('returns the first sorted value whose running sum reaches the percentile of the total', () => {
    // sorted 10, 20, 30, 40; total 100; running sums 10, 30, 60, 100
    expect(cumulativeSumThreshold([40, 10, 30, 20], 50)).toBe(30);
    expect(cumulativeSumThreshold([40, 10, 30, 20], 30)).toBe(20);
    expect(cumulativeSumThreshold([40, 10, 30, 20], 100)).toBe(40);
  });

  it('worked example: 1..100 with the default 2% outliers cuts at 99', () => {
    // total 5050, 98% is 4949; k(k+1)/2 first reaches 4949 at k = 99 (4950); k = 98 gives 4851.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(cumulativeSumThreshold(values, 98)).toBe(99);
    const normalized = normalizeAttributions(pixels(values, 10, 10), 'absolute_value');
    expect(normalized[99]).toBe(1); // 100/99 clipped
    // float64 division: measured exact; 1e-16 allows one last-bit rounding
    expect(Math.abs((normalized[49] as number) - 50 / 99)).toBeLessThan(1e-16);
    expect(Math.abs((normalized[0] as number) - 1 / 99)).toBeLessThan(1e-16);
  });
});

describe('normalizeAttributions per sign', () => {
  it('all: divides by the magnitude threshold and keeps the sign', () => {
    // |a| = 3, 1, 2, 6: sorted 1, 2, 3, 6 total 12; 75% = 9 reached at 6 → threshold 6; 50% = 6 at 3.
    expect(Array.from(normalizeAttributions(pixels([-3, 1, 2, 6]), 'all', 50))).toEqual([-1, 1 / 3, 2 / 3, 1]);
  });
  it('positive: zeroes negatives, scales by the positive threshold', () => {
    expect(Array.from(normalizeAttributions(pixels([-5, 1, 2, 4]), 'positive', 0))).toEqual([0, 0.25, 0.5, 1]);
  });
  it('negative: keeps negatives as non-negative fractions of the threshold', () => {
    expect(heatmapScale(pixels([-4, -2, 3]), 'negative', 0)).toBe(-4);
    expect(Array.from(normalizeAttributions(pixels([-4, -2, 3]), 'negative', 0))).toEqual([1, 0.5, 0]);
  });
  it('absolute_value: magnitudes over the magnitude threshold', () => {
    expect(Array.from(normalizeAttributions(pixels([-4, 2, 1]), 'absolute_value', 0))).toEqual([1, 0.5, 0.25]);
  });
  it('an all-zero map normalizes to zeros instead of dividing by zero', () => {
    expect(Array.from(normalizeAttributions(pixels([0, 0]), 'all'))).toEqual([0, 0]);
  });
  it('a shared scale across a batch uses the threshold of all maps together', () => {
    const a = pixels([1, 2]);
    const b = pixels([4, 4]);
    // alone: threshold 2; together: sorted 1, 2, 4, 4 total 11 → threshold 4
    expect(Array.from(normalizeAttributions(a, 'absolute_value', 0))).toEqual([0.5, 1]);
    const shared = heatmapScale([a, b], 'absolute_value', 0);
    expect(shared).toBe(4);
    expect(Array.from(normalizeAttributions(a, 'absolute_value', 0, shared))).toEqual([0.25, 0.5]);
  });
  it('rejects NaN with the index', () => {
    expect(() => normalizeAttributions(pixels([1, Number.NaN]), 'all')).toThrow(NonFiniteError);
    expect(() => normalizeAttributions(pixels([1, Number.NaN]), 'all')).toThrow(/flat index 1/);
  });
});

describe('combineChannels', () => {
  it('sums channels of CHW and HWC maps alike', () => {
    // two channels of a 1×2 image: ch0 = [1, 2], ch1 = [3, -5]
    expect(Array.from(combineChannels({ data: [1, 2, 3, -5], shape: [2, 1, 2] }, 'chw').values)).toEqual([4, -3]);
    expect(Array.from(combineChannels({ data: [1, 3, 2, -5], shape: [1, 2, 2] }, 'hwc').values)).toEqual([4, -3]);
    expect(combineChannels({ data: new Float32Array(3 * 4 * 5), shape: [1, 3, 4, 5] })).toMatchObject({ width: 5, height: 4 });
    expect(combineChannels({ data: new Float32Array(6 * 5 * 3), shape: [6, 5, 3] })).toMatchObject({ width: 5, height: 6 });
  });
  it('rejects shapes it cannot read', () => {
    expect(() => combineChannels({ data: new Float32Array(125), shape: [5, 5, 5] })).toThrow(/channel axis/);
    expect(() => combineChannels({ data: new Float32Array(8), shape: [2, 1, 2, 2] })).toThrow(ShapeMismatchError);
    expect(() => combineChannels({ data: new Float32Array(5), shape: [2, 3] })).toThrow(/holds 6 values but data has 5/);
  });
});
