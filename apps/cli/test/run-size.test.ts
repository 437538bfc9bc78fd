import { describe, expect, it } from 'vitest';
import { defaultBatchLimit, evenBatchSize } from '../src/run-size.js';

/** Points computed when `steps` run in calls of `size`, the last padded to `size`. */
const padded = (steps: number, size: number): number => Math.ceil(steps / size) * size;

describe('the default batch size for a fixed step count', () => {
  it("matches @ig/core's memory budget: 6 points of 3×224×224, 128 at most, 1 at least", () => {
    expect(defaultBatchLimit(3 * 224 * 224)).toBe(6);
    expect(defaultBatchLimit(4)).toBe(128);
    expect(defaultBatchLimit(4096 * 4096)).toBe(1);
  });

  it('wastes the fewest padded points among sizes from half the limit to the limit', () => {
    expect(evenBatchSize(50, 6)).toBe(5);
    expect(evenBatchSize(100, 6)).toBe(5);
    expect(evenBatchSize(1, 6)).toBe(1);
    expect(evenBatchSize(64, 6)).toBe(4);
    expect(evenBatchSize(53, 6)).toBe(6);
    for (let steps = 1; steps <= 300; steps++) {
      for (const limit of [1, 2, 5, 6, 16, 128]) {
        const size = evenBatchSize(steps, limit);
        expect(size).toBeLessThanOrEqual(limit);
        const candidates = Array.from({ length: limit - Math.ceil(limit / 2) + 1 }, (_, k) => limit - k).filter((s) => s >= 1);
        const fewest = Math.min(padded(steps, Math.min(steps, limit)), ...candidates.map((s) => padded(steps, s)));
        expect(padded(steps, size)).toBe(fewest);
      }
    }
  });
});
