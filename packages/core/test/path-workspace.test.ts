import { describe, expect, it } from 'vitest';
import { PlainPathWorkspace, type PathWorkspace } from '../src/path-workspace.js';
import { createWasmPathWorkspace } from '../src/wasm/path-workspace.js';

// Up to three 4 KiB chunks, with and without a scalar tail.
const sizes = [1, 3, 4, 5, 17, 1000, 1040, 2100];

function both(pointSizes: number[], batch: number): PathWorkspace[] {
  const wasm = createWasmPathWorkspace(pointSizes, batch);
  if (wasm === null) throw new Error('WebAssembly SIMD is missing in this Node');
  return [wasm, new PlainPathWorkspace(pointSizes, batch)];
}

/** Σ_j weights[from + j]·rows[j] per feature in float64, and Σ_j |term| for the tolerance. */
function weightedSum(
  rows: Float32Array,
  size: number,
  weights: Float64Array,
  from: number,
  count: number,
  start: Float64Array,
): { sum: Float64Array; magnitude: Float64Array } {
  const sum = Float64Array.from(start);
  const magnitude = new Float64Array(size);
  for (let j = 0; j < count; j++) {
    for (let i = 0; i < size; i++) {
      const term = (weights[from + j] as number) * (rows[j * size + i] as number);
      sum[i] = (sum[i] as number) + term;
      magnitude[i] = (magnitude[i] as number) + Math.abs(term);
    }
  }
  return { sum, magnitude };
}

// Rows are summed in float32 (as Captum does) before the float64 sum takes them.
function expectClose(actual: Float64Array, expected: { sum: Float64Array; magnitude: Float64Array }): void {
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const allowed = 3e-7 * (expected.magnitude[i] as number) + 1e-12 * Math.abs(expected.sum[i] as number);
    const error = Math.abs((actual[i] as number) - (expected.sum[i] as number));
    worst = Math.max(worst, error === 0 ? 0 : error / allowed);
  }
  expect(worst).toBeLessThanOrEqual(1);
}

describe('path workspaces (WebAssembly SIMD and plain loops)', () => {
  it('uses WebAssembly SIMD in Node, and allocates exactly batchSize points (and gradients) per input', () => {
    const [wasm, js] = both([7, 300], 5) as [PathWorkspace, PathWorkspace];
    expect(wasm.kind).toBe('wasm-simd');
    expect(js.kind).toBe('js');
    for (const workspace of [wasm, js]) {
      expect(workspace.points.map((p) => p.length)).toEqual([35, 1500]);
      expect(workspace.gradients.map((p) => p.length)).toEqual([35, 1500]);
    }
  });

  for (const size of sizes) {
    for (const zeroBaseline of [false, true]) {
      it(`fill and accumulate agree with float64 arithmetic for size ${size}, 1 to 9 points, ${zeroBaseline ? 'zero' : 'non-zero'} baseline`, () => {
        const baseline = Float32Array.from({ length: size }, (_, i) => (zeroBaseline ? 0 : Math.sin(i + 1)));
        const x = Float32Array.from({ length: size }, (_, i) => Math.cos(3 * i) + Math.sin(i + 1));
        const alphas = Float64Array.of(0.1, 0.25, 0.5, 0.9, 0.95, 0.05, 0.6, 0.33, 0.71, 0.2);
        const weights = Float64Array.of(0.3, -0.7, 1.25, 2, -0.4, 0.8, 1.5, -1.1, 0.05, 0.6);
        for (let batch = 1; batch <= 9; batch++) {
          const gradients = Float32Array.from({ length: batch * size }, (_, i) => Math.sin(0.37 * i) * 3);
          for (const workspace of both([size], batch)) {
            workspace.fill(0, 0, x, baseline, alphas, 1, batch);
            const points = workspace.points[0] as Float32Array;
            let worst = 0;
            for (let j = 0; j < batch; j++) {
              for (let i = 0; i < size; i++) {
                const difference = Math.fround((x[i] as number) - (baseline[i] as number));
                const expected = (baseline[i] as number) + (alphas[1 + j] as number) * difference;
                worst = Math.max(worst, Math.abs((points[j * size + i] as number) - expected) / (2e-7 * (1 + Math.abs(expected))));
              }
            }
            expect(worst).toBeLessThanOrEqual(1);
            const start = Float64Array.from({ length: size }, (_, i) => i / 7);
            const sink = Float64Array.from(start);
            expect(workspace.accumulate(0, sink, gradients, 0, weights, 1, batch)).toBe(false);
            workspace.flush();
            expectClose(sink, weightedSum(gradients, size, weights, 1, batch, start));
          }
        }
      });
    }
  }

  it('reads gradients written into the offered buffer in place, and copies any other array', () => {
    const size = 1003;
    const batch = 6;
    const rows = Float32Array.from({ length: batch * size }, (_, i) => Math.cos(0.11 * i));
    const weights = Float64Array.from({ length: batch }, (_, j) => 0.1 * (j + 1));
    for (const workspace of both([size], batch)) {
      const offered = workspace.gradients[0] as Float32Array;
      offered.set(rows);
      const inPlace = new Float64Array(size);
      workspace.accumulate(0, inPlace, offered, 0, weights, 0, batch);
      workspace.flush();
      const copied = new Float64Array(size);
      workspace.accumulate(0, copied, Float32Array.from(rows), 0, weights, 0, batch);
      workspace.flush();
      expect(Array.from(inPlace)).toEqual(Array.from(copied));
      expectClose(inPlace, weightedSum(rows, size, weights, 0, batch, new Float64Array(size)));
    }
  });

  it('keeps each sink exact across many small batches and when sinks take turns', () => {
    // 70 single rows per sink, alternating between two sinks: partial float32 sums are widened
    // into the right float64 sum when a sink is swapped out, when enough rows have gathered, and on flush.
    const size = 37;
    const steps = 70;
    const rows = Float32Array.from({ length: steps * size }, (_, i) => Math.sin(0.013 * i) * 5);
    const weights = Float64Array.from({ length: steps }, (_, j) => 1 / (j + 3));
    for (const workspace of both([size], 1)) {
      const sinks = [new Float64Array(size), new Float64Array(size)];
      for (let k = 0; k < steps; k++) {
        for (const sink of sinks) workspace.accumulate(0, sink, rows.subarray(k * size, (k + 1) * size), 0, weights, k, 1);
      }
      workspace.flush();
      const expected = weightedSum(rows, size, weights, 0, steps, new Float64Array(size));
      for (const sink of sinks) expectClose(sink, expected);
    }
  });

  it('flags a NaN or Infinity reaching the sum, in the vector body and in the tail, for 1 to 6 rows and 33 (widened at once)', () => {
    for (const size of [9, 100]) {
      for (const rows of [1, 2, 3, 4, 5, 6, 33]) {
        for (const position of [0, 5, 8]) {
          for (const workspace of both([size], rows)) {
            const weights = new Float64Array(rows).fill(1);
            const gradients = new Float32Array(size * rows).fill(1);
            gradients[size * (rows - 1) + position] = position === 5 ? Number.POSITIVE_INFINITY : Number.NaN;
            expect(workspace.accumulate(0, new Float64Array(size), gradients, 0, weights, 0, rows)).toBe(true);
            workspace.release();
            expect(workspace.accumulate(0, new Float64Array(size), new Float32Array(size * rows).fill(1), 0, weights, 0, rows)).toBe(false);
          }
        }
      }
    }
  });

  it('does not flag finite values whose lane totals overflow float32', () => {
    // Every partial is 3e38 (finite); their sums across the vector body are not.
    const size = 1000;
    for (const workspace of both([size], 1)) {
      const sink = new Float64Array(size);
      expect(workspace.accumulate(0, sink, new Float32Array(size).fill(3e38), 0, Float64Array.of(1), 0, 1)).toBe(false);
      workspace.flush();
      expect(sink.every((v) => Math.abs(v - Math.fround(3e38)) === 0)).toBe(true);
    }
  });
});
