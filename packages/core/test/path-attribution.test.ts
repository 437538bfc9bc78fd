import { describe, expect, it } from 'vitest';
import { addPathAttribution } from '../src/path-attribution.js';
import { firstNonFinite } from '../src/path-kernels.js';

// Lengths around the four-at-a-time loop: shorter than one block, exact blocks, and tails.
const lengths = [0, 1, 3, 4, 5, 8, 11];

describe('path attribution loops', () => {
  for (const n of lengths) {
    it(`n = ${n}: adds scale·(x − x′)·g and returns Σ (x − x′)·g`, () => {
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1) * 3);
      const baseline = Float32Array.from({ length: n }, (_, i) => Math.cos(2 * i));
      const g = Float64Array.from({ length: n }, (_, i) => 1 / (i + 1.5));
      const terms = Array.from({ length: n }, (_, i) => ((x[i] as number) - (baseline[i] as number)) * (g[i] as number));
      const inOrder = terms.reduce((s, t) => s + t, 0);
      // Partial sums change only the rounding of the total.
      const tolerance = 1e-14 * terms.reduce((s, t) => s + Math.abs(t), 0);
      const out = new Float32Array(n);
      expect(Math.abs(addPathAttribution(out, x, baseline, g, 0.25) - inOrder)).toBeLessThanOrEqual(tolerance);
      expect(Array.from(out)).toEqual(terms.map((t) => Math.fround(0.25 * t)));
      expect(Math.abs(addPathAttribution(out, x, baseline, g, 0.75) - inOrder)).toBeLessThanOrEqual(tolerance);
      expect(Array.from(out)).toEqual(terms.map((t) => Math.fround(Math.fround(0.25 * t) + 0.75 * t)));
    });
  }
});

describe('firstNonFinite', () => {
  it('finds the first NaN or ±Infinity at every position, within [from, to), or returns −1', () => {
    for (const n of lengths) {
      expect(firstNonFinite(new Float32Array(n).fill(1.5))).toBe(-1);
      for (let at = 0; at < n; at++) {
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          const values = new Float32Array(n).fill(-2);
          values[at] = bad;
          if (at + 2 < n) values[at + 2] = Number.NaN;
          expect(firstNonFinite(values)).toBe(at);
          expect(firstNonFinite(values, at + 1, Math.min(n, at + 2))).toBe(-1);
          expect(firstNonFinite(values, 0, at)).toBe(-1);
        }
      }
    }
  });
});
