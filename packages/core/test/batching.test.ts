import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '../src/index.js';
import { softplusOfLinear, weightedSquares } from './helpers/closed-forms.js';
import { counting } from './helpers/counting.js';
import { irisMlpBackend } from './helpers/iris-mlp.js';
import { captumData } from '@ig/test-fixtures';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

/** Batches regroup float32 sums: measured 1.9e-7 (attributions) and 1.3e-7 (deltas, against max |F|). */
const TOL_BATCH = 6e-7;

describe('batching', () => {
  it('gives the same attributions, to float32 rounding, for batch sizes 1, 7 and 64', async () => {
    const input = captumData('iris_mlp', 'input_batch3');
    const run = (batchSize: number) =>
      integratedGradients(irisMlpBackend(), input, {
        target: { classes: [0, 1, 2] },
        baselines: { average: [0, tensor([5, 3, 1.5, 0.2], [4])] },
        steps: 50,
        batchSize,
      });
    const reference = await run(1);
    expect(reference.attributions[0]?.shape).toEqual([3, 3, 4]);
    for (const batchSize of [7, 64]) {
      const result = await run(batchSize);
      const attr = relativeDeviation(result.attributions[0]?.data as Float32Array, reference.attributions[0]?.data as Float32Array);
      // deltas cancel F(x) − F(x′): measured against max |F|
      const delta = relativeDeviation(
        result.reports.map((r) => r.delta),
        reference.reports.map((r) => r.delta),
        Math.max(...reference.reports.map((r) => Math.abs(r.fInput))),
      );
      measure(`batch ${batchSize}`, { attr, delta });
      expect(attr).toBeLessThanOrEqual(TOL_BATCH);
      expect(delta).toBeLessThanOrEqual(TOL_BATCH);
    }
  });

  it('holds one batch of path points at a time: every request reuses one buffer of batchSize points', async () => {
    const size = 1000;
    const w = Array.from({ length: size }, (_, i) => Math.sin(i));
    const backend = counting(weightedSquares(w).backend);
    const x = tensor(
      Array.from({ length: 2 * size }, (_, i) => Math.cos(i)),
      [2, size],
    );
    const batchSize = 7;
    await integratedGradients(backend, x, { steps: 50, batchSize });
    expect(backend.points).toBe(2 * 50);
    expect(backend.calls).toHaveLength(Math.ceil(100 / batchSize));
    // Every batch is a view at the same place in the same allocation, never longer than batchSize points.
    expect(new Set(backend.calls.map((c) => c.points[0]?.buffer)).size).toBe(1);
    expect(new Set(backend.calls.map((c) => c.points[0]?.byteOffset)).size).toBe(1);
    for (const call of backend.calls) {
      expect(call.count).toBeLessThanOrEqual(batchSize);
      expect(call.points[0]?.length).toBe(call.count * size);
    }
  });

  it('allocates only the points a run needs when batchSize is far larger (as Captum allows)', async () => {
    const size = 1000;
    const w = Array.from({ length: size }, (_, i) => Math.sin(i));
    const x = tensor(
      Array.from({ length: size }, (_, i) => Math.cos(i)),
      [1, size],
    );
    const reference = await integratedGradients(weightedSquares(w).backend, x, { steps: 50, batchSize: 50 });
    const backend = counting(weightedSquares(w).backend);
    // 1e9 points of 1000 floats would be 4 TB per buffer: only the 50 path points are held.
    const result = await integratedGradients(backend, x, { steps: 50, batchSize: 1e9 });
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]?.points[0]?.buffer.byteLength).toBe(50 * size * 4);
    expect(Array.from(result.attributions[0]?.data ?? [])).toEqual(Array.from(reference.attributions[0]?.data ?? []));
  });

  it('derives the batch size from a memory budget', async () => {
    const size = 1000;
    const backend = counting(weightedSquares(new Array<number>(size).fill(1)).backend);
    // points + gradients: 8 bytes per value, 8000 bytes per point → 10 points in 80 000 bytes.
    await integratedGradients(backend, tensor(new Float32Array(size).fill(1), [1, size]), { steps: 50, memoryBudgetBytes: 80_000 });
    expect(Math.max(...backend.calls.map((c) => c.count))).toBe(10);
    expect(backend.calls[0]?.points[0]?.length).toBe(10 * size);
  });

  it('reports progress up to the total and stops on abort with AbortedError', async () => {
    const form = softplusOfLinear([1, 2], 0);
    const progress: [number, number][] = [];
    await integratedGradients(form.backend, tensor([1, 1], [1, 2]), { steps: 20, batchSize: 8, onProgress: (d, t) => progress.push([d, t]) });
    expect(progress).toEqual([
      [8, 20],
      [16, 20],
      [20, 20],
    ]);
    const controller = new AbortController();
    const aborting = counting(form.backend);
    const run = integratedGradients(aborting, tensor([1, 1], [1, 2]), {
      steps: 20,
      batchSize: 4,
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 8) controller.abort(new Error('user cancelled'));
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortedError', code: 'ABORTED', message: 'aborted: user cancelled' });
    expect(aborting.points).toBe(8);
  });
});
