import { describe, expect, it } from 'vitest';
import { createPathWorkspace } from '../src/path-workspace.js';

const sizes = [1, 3, 4, 5, 17, 1000];

describe('path workspaces (WebAssembly SIMD and plain loops)', () => {
  it('uses WebAssembly SIMD in Node, and allocates exactly batchSize points per input', () => {
    const wasm = createPathWorkspace([7, 300], 5);
    expect(wasm.kind).toBe('wasm-simd');
    expect(wasm.points.map((p) => p.length)).toEqual([35, 1500]);
    const js = createPathWorkspace([7, 300], 5, true);
    expect(js.kind).toBe('js');
    expect(js.points.map((p) => p.length)).toEqual([35, 1500]);
  });

  for (const size of sizes) {
    it(`fill and accumulate agree with float64 arithmetic for size ${size} (vector body and scalar tail)`, () => {
      // Six points: one pass of four rows, then two single rows.
      const batch = 6;
      const baseline = Float32Array.from({ length: size }, (_, i) => Math.sin(i + 1));
      const difference = Float32Array.from({ length: size }, (_, i) => Math.cos(3 * i));
      const alphas = Float64Array.of(0.1, 0.25, 0.5, 0.9, 0.95, 0.05, 0.6);
      const weights = Float64Array.of(0.3, -0.7, 1.25, 2, -0.4, 0.8, 1.5);
      const gradients = Float32Array.from({ length: batch * size }, (_, i) => Math.sin(0.37 * i) * 3);
      for (const workspace of [createPathWorkspace([size], batch), createPathWorkspace([size], batch, true)]) {
        workspace.fill(0, 0, baseline, difference, alphas, 1, batch);
        const points = workspace.points[0] as Float32Array;
        for (let j = 0; j < batch; j++) {
          for (let i = 0; i < size; i++) {
            const expected = (baseline[i] as number) + (alphas[1 + j] as number) * (difference[i] as number);
            expect(Math.abs((points[j * size + i] as number) - expected)).toBeLessThanOrEqual(2e-7 * (1 + Math.abs(expected)));
          }
        }
        const sink = Float64Array.from({ length: size }, (_, i) => i / 7);
        const bad = workspace.accumulate(0, sink, gradients, 0, weights, 1, batch);
        workspace.flush();
        expect(bad).toBe(false);
        for (let i = 0; i < size; i++) {
          let expected = i / 7;
          let magnitude = 0;
          for (let j = 0; j < batch; j++) {
            const term = (weights[1 + j] as number) * (gradients[j * size + i] as number);
            expected += term;
            magnitude += Math.abs(term);
          }
          // A batch's rows are summed in float32 (as Captum does), then added to the float64 sum.
          expect(Math.abs((sink[i] as number) - expected)).toBeLessThanOrEqual(3e-7 * magnitude + 1e-12 * Math.abs(expected));
        }
      }
    });
  }

  it('flags a NaN or Infinity reaching the sum, in the vector body and in the tail, one row or four', () => {
    for (const rows of [1, 4]) {
      for (const position of [0, 5, 8]) {
        for (const workspace of [createPathWorkspace([9], rows), createPathWorkspace([9], rows, true)]) {
          const weights = new Float64Array(rows).fill(1);
          const gradients = new Float32Array(9 * rows).fill(1);
          gradients[9 * (rows - 1) + position] = position === 5 ? Number.POSITIVE_INFINITY : Number.NaN;
          expect(workspace.accumulate(0, new Float64Array(9), gradients, 0, weights, 0, rows)).toBe(true);
          expect(workspace.accumulate(0, new Float64Array(9), new Float32Array(9 * rows).fill(1), 0, weights, 0, rows)).toBe(false);
        }
      }
    }
  });
});
