import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, SMALL_CNN, tempDir, writeSmallCnnInput } from './helpers.js';

describe('--memory-budget', () => {
  it('shrinks the default batches to fit it, with the attributions of an unbounded run', () => {
    const dir = tempDir('memory-budget');
    const input = writeSmallCnnInput(join(dir, 'x.npy'));
    const run = (extra: string[], out: string) => {
      const result = ig(['explain', '--model', SMALL_CNN, '--input', input, '--target', '3', '--steps', '50', '--out', join(dir, out), '--quiet', ...extra]);
      expect(result.code, result.stderr).toBe(0);
      return readFloat32Npy(join(dir, out)).data;
    };
    const free = run([], 'free.npy');
    // 784 floats of points and gradients are 6272 bytes a point: 0.05 MiB holds 8 of the 50
    // points, where the default 8 MiB holds all 50 (refused before: "batchSize 50 needs …").
    const bounded = run(['--memory-budget', '0.05'], 'bounded.npy');
    const scale = Math.max(...Array.from(free, Math.abs));
    // The same points in other batches: onnxruntime's kernels differ by batch, measured 1.1e-7 of max |attr|.
    expect(Math.max(...Array.from(bounded, (v, i) => Math.abs(v - (free[i] as number)))) / scale).toBeLessThan(1e-6);
  });

  it('names --memory-budget when it cannot hold one path point', () => {
    const dir = tempDir('memory-budget-small');
    const input = writeSmallCnnInput(join(dir, 'x.npy'));
    const run = ig(['explain', '--model', SMALL_CNN, '--input', input, '--target', '3', '--memory-budget', '0.001']);
    expect(run.code).toBe(2);
    // 784 floats of points and gradients: 6272 bytes, 0.00598 MiB.
    expect(run.stderr).toContain('--memory-budget 0.00100 MiB is below what one path point and its gradient need, 0.00598 MiB; raise it');
  });
});
