import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { readNpy } from '@ig/test-fixtures';
import { createOnnxBackend } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';

const dir = join(fixturesDir, 'quantized');
const sum = (values: ArrayLike<number>, from: number, to: number): number => {
  let total = 0;
  for (let j = from; j < to; j++) total += values[j] as number;
  return total;
};

describe("steps: 'auto' on a quantized model (PyTorch QAT export): F is a staircase", () => {
  it('is refined on the gradient alone, to its integral within the tolerance, well below the cap', async () => {
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', fixtureBytes('quantized', 'qat.onnx'), { executionProviders: ['cpu'] });
    expect(backend.straightThroughGradients).toBe(true);
    const x = readNpy(join(dir, 'x.npy'));
    const input = tensor(x.data as Float32Array, x.shape);
    const size = (x.data.length / (x.shape[0] as number)) | 0;
    const TOLERANCE = 1e-2;
    const auto = await integratedGradients(backend, input, { steps: 'auto', tolerance: TOLERANCE, maxSteps: 1025, target: 'predicted' });
    // The integral of the same straight-through gradient by a dense uniform rule.
    const dense = await integratedGradients(backend, input, { steps: 4097, method: 'riemann-trapezoid', target: 'predicted' });
    await backend.dispose();
    auto.reports.forEach((report, e) => {
      const refinement = report.refinement;
      const difference = Math.abs(report.fInput - report.fBaseline);
      // Measured: 158, 178 and 240 evaluations. Before, one path ran to the cap of 1025 and two
      // stopped after 6 and 43, on a completeness that F's steps met by chance.
      expect(refinement?.staircase).toBe(true);
      expect(refinement?.evaluations).toBeLessThanOrEqual(400);
      expect(refinement?.integrandErrorBound).toBeLessThanOrEqual(TOLERANCE);
      const gap = Math.abs(sum(auto.attributions[0]?.data ?? [], e * size, (e + 1) * size) - sum(dense.attributions[0]?.data ?? [], e * size, (e + 1) * size));
      // Measured: within 4.1e-4 of F(x) − F(x'); the bound is 0.9%–1%.
      expect(gap / difference).toBeLessThanOrEqual(refinement?.integrandErrorBound ?? 0);
      expect(gap / difference).toBeLessThan(1e-3);
      let l1 = 0;
      for (let j = e * size; j < (e + 1) * size; j++) l1 += Math.abs((auto.attributions[0]?.data[j] ?? 0) - (dense.attributions[0]?.data[j] ?? 0));
      // Measured: 2.8%, 4.9% and 1.7% in L1; the bounds 11%, 16% and 6.3%.
      expect(l1 / difference).toBeLessThanOrEqual(refinement?.attributionErrorBound ?? 0);
    });
    // What is left is F's steps (the dense rule leaves them too), and the warnings say so.
    for (const warning of auto.warnings) {
      expect(warning).toMatch(/F is a staircase along the path/);
      expect(warning).not.toMatch(/hit its cap/);
    }
  });
});

describe("steps: 'auto' on a model whose output jumps (Round)", () => {
  it('brackets the jump, leaves it out of the error it refines, and integrates the gradient exactly', async () => {
    // y = x·w + 0.25·Round(x·v): from 0 to (1, 1, 1), x·v = 1.2α passes 0.5 at α = 5/12, where y
    // jumps by 0.25; Round has no gradient, so the exact attributions are w·x.
    const w = [0.5, -0.2, 0.8];
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['N', 3] },
      constants: { w: { dims: [3, 1], values: w }, v: { dims: [3, 1], values: [0.3, 0.5, 0.4] }, j: { dims: [], values: [0.25] } },
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['a'] },
        { op: 'MatMul', inputs: ['x', 'v'], outputs: ['u'] },
        { op: 'Round', inputs: ['u'], outputs: ['r'] },
        { op: 'Mul', inputs: ['r', 'j'], outputs: ['s'] },
        { op: 'Add', inputs: ['a', 's'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes, { executionProviders: ['cpu'] });
    expect(backend.straightThroughGradients).toBeUndefined();
    const result = await integratedGradients(backend, tensor([1, 1, 1], [1, 3]), { steps: 'auto', tolerance: 1e-4, maxSteps: 1025 });
    await backend.dispose();
    const refinement = result.reports[0]?.refinement;
    // Measured: 15 evaluations.
    expect(refinement?.evaluations).toBeLessThanOrEqual(30);
    expect(refinement?.jumps).toHaveLength(1);
    expect(refinement?.jumps[0]?.from).toBeLessThan(5 / 12);
    expect(refinement?.jumps[0]?.to).toBeGreaterThan(5 / 12);
    // float32 outputs: measured 6e-8.
    Array.from(result.attributions[0]?.data ?? []).forEach((a, i) => expect(Math.abs(a - (w[i] as number))).toBeLessThan(1e-6));
    expect(Math.abs((refinement?.jumps[0]?.error ?? 0) + 0.25 / 1.35)).toBeLessThan(1e-6);
    expect(result.warnings[0]).toMatch(/F jumps along the path at α ≈ 0\.416\d \(18\.5% of F\(x\) − F\(x'\)\)/);
  });
});
