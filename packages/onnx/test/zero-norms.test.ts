import { describe, expect, it } from 'vitest';
import { makeModel } from './helpers/model.js';
import { gradientOf, runtimes } from './helpers/ort.js';

// At a slice whose norm is 0, LpNormalization has no derivative (x/‖x‖ jumps); the rule gives 0
// there, as ReduceL2's does, and never NaN. Other slices get the closed form, computed here in
// float64: p = 2: (g − y·Σg·y)/n; p = 1: g/n − sign(x)·Σ(g·x)/n².
const x = [0, 0, 0, 3, -4, 0];
const seed = [0.5, -1, 2, 0.25, 0.75, -1.5];

function closedForm(p: 1 | 2): number[] {
  const row = x.slice(3);
  const g = seed.slice(3);
  const n = p === 2 ? Math.hypot(...row) : row.reduce((a, v) => a + Math.abs(v), 0);
  const dot = row.reduce((a, v, i) => a + v * (g[i] as number), 0);
  const rest = row.map((v, i) => (p === 2 ? ((g[i] as number) - (v / n) * (dot / n)) / n : (g[i] as number) / n - (Math.sign(v) * dot) / (n * n)));
  return [0, 0, 0, ...rest];
}

describe('LpNormalization through a zero slice', () => {
  it.each([1, 2] as const)('p = %i: gradient 0 on the zero row, the closed form on the other', async (p) => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: [2, 3] },
      nodes: [{ op: 'LpNormalization', inputs: ['x'], outputs: ['y'], attributes: { p: { int: p } } }],
      outputs: ['y'],
    });
    const run = await gradientOf(runtimes.node, bytes, { x: { data: Float32Array.from(x), dims: [2, 3] } }, () => Float32Array.from(seed));
    const got = Array.from(run.gradients.x as Float32Array);
    const want = closedForm(p);
    // float32 rounding of values of order 1: measured 5.8e-9 (p = 1) and 1.2e-8 (p = 2).
    const tolerance = p === 1 ? 3e-8 : 6e-8;
    got.forEach((v, i) => expect(Math.abs(v - (want[i] as number)), `element ${i}`).toBeLessThanOrEqual(tolerance));
    expect(got.slice(0, 3).every((v) => v === 0)).toBe(true);
  });
});
