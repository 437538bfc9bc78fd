import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { createOnnxBackend, decodeModel, type OnnxBackendOptions, type OrtModuleLike } from '../src/index.js';
import { captumCase, expectCaptumParity, loadCase, modelBytes } from './helpers/captum.js';
import { runtimes } from './helpers/ort.js';

const reference = captumCase('small_cnn/c0_gausslegendre_50');
const bytes = modelBytes(reference);
const { input, baseline } = loadCase(reference);

/** onnxruntime-node with every InferenceSession.create counted by the graph's input names. */
function countingRuntime(): { ort: OrtModuleLike; created: string[] } {
  const created: string[] = [];
  const ort: OrtModuleLike = {
    Tensor: runtimes.node.Tensor,
    InferenceSession: {
      create: (model, options) => {
        const names = (decodeModel(model).graph?.input ?? []).map((v) => v.name ?? '');
        const kind = names.includes('ig_alphas')
          ? 'fused'
          : names.includes('ig_seed')
            ? 'gradient'
            : options?.graphOptimizationLevel === 'disabled'
              ? 'probe'
              : 'forward';
        created.push(kind);
        return runtimes.node.InferenceSession.create(model, options);
      },
    },
  };
  return { ort, created };
}

const count = (list: readonly string[], kind: string): number => list.filter((k) => k === kind).length;

async function attributions(options: OnnxBackendOptions, runs: readonly (readonly [number, number])[], ort: OrtModuleLike = runtimes.node) {
  const backend = await createOnnxBackend(ort, 'onnxruntime-node', bytes, options);
  const results: Float32Array[] = [];
  for (const [steps, batchSize] of runs) {
    const result = await integratedGradients(backend, tensor(input.data, input.shape), {
      baselines: tensor(baseline.data, baseline.shape),
      target: reference.target,
      steps,
      batchSize,
      method: 'gauss-legendre',
    });
    results.push(result.attributions[0]?.data as Float32Array);
  }
  return { backend, results };
}

const RUNS = [1, 7, 50, 64].flatMap((steps) => [1, 6, 16].map((batch) => [steps, batch] as const));

describe('one gradient session and one fused session per input shape', () => {
  for (const fused of [true, false]) {
    it(`${fused ? 'fused' : 'per-batch gradient'} graphs: steps 1, 7, 50, 64 × batch sizes 1, 6, 16 on one backend`, async () => {
      const { ort, created } = countingRuntime();
      const { backend, results } = await attributions({ fused }, RUNS, ort);
      expect(count(created, 'forward')).toBe(1);
      expect(count(created, fused ? 'fused' : 'gradient')).toBe(1);
      expect(count(created, fused ? 'gradient' : 'fused')).toBe(0);
      // The small CNN's shapes are all decided statically: no probe run.
      expect(count(created, 'probe')).toBe(0);
      expect(backend.stats.sessions).toEqual({ forward: 1, gradient: fused ? 0 : 1, fused: fused ? 1 : 0, probe: 0 });
      await backend.dispose();

      // Each result against a backend built for exactly that run size (no padding, no reuse):
      // they differ only by float32 summation order (measured ≤ 1.5e-7 of max |attribution|).
      for (const [k, [steps, batch]] of RUNS.entries()) {
        const fresh = await attributions({ fused, pointsPerRun: Math.min(steps, batch) }, [[steps, batch]]);
        await fresh.backend.dispose();
        const expected = fresh.results[0] as Float32Array;
        const ours = results[k] as Float32Array;
        const scale = Math.max(...expected.map(Math.abs));
        for (let i = 0; i < expected.length; i++) expect(Math.abs((ours[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(1e-6 * scale);
        if (steps === 50) expectCaptumParity(reference, ours);
      }
    });
  }
});
