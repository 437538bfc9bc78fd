import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { captumModelBytes } from '@ig/test-fixtures';
import { createOnnxBackend } from '../src/index.js';
import { captumCase, loadCase } from './helpers/captum.js';
import { defaultProvider, runtimes } from './helpers/ort.js';

/**
 * `steps: 'auto'` with the adaptive rule on the Captum small CNN (conv, ReLU, pooling: kinks along
 * every path), on a fused backend: its points go through `gradients`, and its attributions stay
 * within the reported attribution error bound of a 4096-point Gauss–Legendre reference.
 */
describe("steps: 'auto', adaptive rule, on the small CNN", () => {
  it.each(['c0', 'c1', 'c2'])(
    '%s agrees with a 4096-point reference within the reported error',
    async (name) => {
      const c = captumCase(`small_cnn/${name}_gausslegendre_50`);
      const { input, baseline } = loadCase(c);
      const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', captumModelBytes(c.model), { executionProviders: [defaultProvider.node] });
      const x = tensor(input.data, input.shape);
      const options = { baselines: tensor(baseline.data, baseline.shape), target: c.target as number };
      // In batches of 256 points: one fused session of 256 steps instead of one of 4096.
      const reference = await integratedGradients(backend, x, { ...options, steps: 4096, batchSize: 256 });
      for (const tolerance of [1e-2, 1e-3]) {
        const result = await integratedGradients(backend, x, { ...options, steps: 'auto', tolerance });
        const report = result.reports[0];
        const refinement = report?.refinement;
        expect(report?.relativeError).toBeLessThanOrEqual(tolerance);
        expect(refinement?.evaluations).toBe(result.gradientEvaluations);
        // Equal where one piece holds the whole error: the two sums differ in float64 order only (measured up to 1.1e-12 relative).
        expect(refinement?.errorBound).toBeGreaterThanOrEqual((report?.relativeError as number) * (1 - 1e-10));
        const scale = Math.abs((report?.fInput as number) - (report?.fBaseline as number));
        let l1 = 0;
        const ours = result.attributions[0]?.data as Float32Array;
        const theirs = reference.attributions[0]?.data as Float32Array;
        for (let i = 0; i < theirs.length; i++) l1 += Math.abs((ours[i] as number) - (theirs[i] as number));
        const referenceError = reference.reports[0]?.relativeError as number;
        if (refinement?.attributionErrorBound === null) expect(l1 / scale).toBeLessThanOrEqual(referenceError + 1e-5);
        else expect(l1 / scale).toBeLessThanOrEqual((refinement?.attributionErrorBound as number) + referenceError);
      }
      await backend.dispose();
      // 4096 gradient evaluations of a CNN per case: seconds alone, minutes on a loaded machine.
    },
    300_000,
  );
});
