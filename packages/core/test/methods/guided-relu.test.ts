import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { functionBackend, guidedIG, tensor } from '../../src/index.js';

interface Fixture {
  weights: { w0: number[][]; b0: number[]; w2: number[][]; b2: number[] };
  target: number;
  input: number[];
  fInput: number;
  fBaseline: number;
  runs: { steps: number; attributions: number[]; sum: number }[];
}

// PAIR saliency's guided_ig_impl on the Iris MLP (4 → 16 → ReLU → 3, trained weights), written by
// scripts/guided-relu-fixture.py from a checkout of PAIR-code/saliency.
const fixture = JSON.parse(readFileSync(new URL('../fixtures/guided-ig-relu.json', import.meta.url), 'utf8')) as Fixture;
const { w0, b0, w2, b2 } = fixture.weights;
const hidden = (x: Float32Array): number[] =>
  w0.map((row, k) =>
    Math.max(
      0,
      row.reduce((s, w, i) => s + w * (x[i] as number), b0[k] as number),
    ),
  );
const backend = functionBackend({
  forward: ([x]) => Float32Array.from(w2.map((row, c) => row.reduce((s, w, k) => s + w * (hidden(x as Float32Array)[k] as number), b2[c] as number))),
  gradient: ([x], seed) => {
    const active = hidden(x as Float32Array).map((h) => (h > 0 ? 1 : 0));
    const upstream = active.map((a, k) => a * w2.reduce((s, row, c) => s + (seed[c] as number) * (row[k] as number), 0));
    return [Float32Array.from(fixture.input, (_, i) => upstream.reduce((s, u, k) => s + u * (w0[k]?.[i] as number), 0))];
  },
});

describe('Guided IG on a ReLU network, against PAIR saliency', () => {
  it.each(fixture.runs.map((r) => [r.steps, r] as const))(
    '%i steps: the same attributions as PAIR; completeness levels off, and the warning says why',
    async (steps, run) => {
      const result = await guidedIG(backend, tensor(fixture.input, [1, 4]), { steps, target: fixture.target });
      const ours = result.attributions[0]?.data as Float32Array;
      // Measured up to 1.3e-7 apart (our gradients are float32, PAIR's float64).
      run.attributions.forEach((v, i) => expect(Math.abs((ours[i] as number) - v)).toBeLessThan(5e-7));
      const report = result.reports[0];
      expect(report?.fInput).toBeCloseTo(fixture.fInput, 6);
      // ΔF is −0.0033 while Σ attr stays near +0.022 from 512 to 8192 steps: the error of the path
      // sum does not shrink, as PAIR's own shows.
      expect(Math.abs((report?.attributionSum as number) - run.sum)).toBeLessThan(1e-7); // measured 2.3e-8
      expect(report?.relativeError).toBeGreaterThan(5);
      expect(report?.warning).toMatch(/on a ReLU network the error may level off/);
    },
  );
});
