import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { integratedGradients, type Tensor } from '@ig/core';
import { tfjsBackend } from '../../src/index.js';
import { useBackend } from '../helpers/backends.js';
import { loadReference, nchwToNhwc, smallCnnWeights } from '../helpers/reference.js';
import { smallCnnFromWeights, type WeightArray } from '../helpers/small-cnn.js';
import { bundle, chromiumAvailable, openPage, type BrowserSession } from '@ig/browser-harness';
import type { PageRequest, PageResult } from './page.js';

const STEPS = 32;
const TARGET = 7;

/**
 * Relative to the Node cpu result: max error / max |attr|, sum error / Σ|attr|, logit error /
 * max |logit|. Float32 on the GPU sums in another order; measured (IG_MEASURE=1 prints them):
 * webgl 7.1e-8, 6.0e-9, 1.6e-7; webgpu (SwiftShader) 1.4e-7, 6.5e-9, 1.6e-7.
 */
const TOLERANCE = {
  webgl: { attr: 5e-7, sum: 5e-8, logits: 8e-7 },
  webgpu: { attr: 1e-6, sum: 5e-8, logits: 8e-7 },
} as const;

function requestFor(backend: string, weights: WeightArray[]): PageRequest {
  const input = loadReference('data/small_cnn/input2.npy');
  const baseline = loadReference('data/small_cnn/baseline_uniform.npy');
  return {
    backend,
    weights: weights.map((w) => ({ data: Array.from(w.data), shape: w.shape })),
    input: Array.from(nchwToNhwc(input.data, input.shape)),
    baseline: Array.from(nchwToNhwc(baseline.data, baseline.shape)),
    target: TARGET,
    steps: STEPS,
  };
}

/** The Node cpu result for the same request: the truth the browser backends must reproduce. */
async function nodeResult(request: PageRequest): Promise<{ attribution: Tensor; fInput: number; fBaseline: number }> {
  const model = smallCnnFromWeights(tf, request.weights);
  const result = await integratedGradients(
    tfjsBackend(model),
    { data: Float32Array.from(request.input), shape: [1, 28, 28, 1] },
    {
      baselines: { data: Float32Array.from(request.baseline), shape: [1, 28, 28, 1] },
      target: request.target,
      steps: request.steps,
    },
  );
  model.dispose();
  const report = result.reports[0];
  return { attribution: result.attributions[0] as Tensor, fInput: report?.fInput ?? NaN, fBaseline: report?.fBaseline ?? NaN };
}

describe.skipIf(!chromiumAvailable())('IG in Chromium', () => {
  let session: BrowserSession;
  let expected: Awaited<ReturnType<typeof nodeResult>>;
  let weights: WeightArray[];

  beforeAll(async () => {
    await useBackend('cpu');
    weights = smallCnnWeights();
    expected = await nodeResult(requestFor('cpu', weights));
    session = await openPage({
      files: {
        '/': '<!doctype html><meta charset="utf-8"><title>@ig/tfjs</title><script type="module" src="/page.js"></script>',
        '/page.js': await bundle(fileURLToPath(new URL('./page.ts', import.meta.url))),
      },
      webgpu: true,
      ready: 'typeof window.runIntegratedGradients === "function"',
    });
  });
  afterAll(async () => {
    await session?.close();
  });

  test.each(['webgl', 'webgpu'])('the %s backend matches the Node cpu attributions', async (backend) => {
    const request = requestFor(backend, weights);
    const result: PageResult = await session.page.evaluate((r) => window.runIntegratedGradients(r), request);
    expect(result.backend).toBe(backend);
    expect(result.tensorsLeaked).toBe(0);
    const truth = expected.attribution.data;
    const scale = truth.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(0);
    let worst = 0;
    result.attribution.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - (truth[i] as number)))));
    const l1 = truth.reduce((total, v) => total + Math.abs(v), 0);
    const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0);
    const logitScale = Math.max(Math.abs(expected.fInput), Math.abs(expected.fBaseline));
    const measured = {
      attr: worst / scale,
      sum: Math.abs(sum(result.attribution) - sum(truth)) / l1,
      logits: Math.max(Math.abs(result.fInput - expected.fInput), Math.abs(result.fBaseline - expected.fBaseline)) / logitScale,
    };
    if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ backend, ...measured }));
    const tolerance = TOLERANCE[backend as keyof typeof TOLERANCE];
    expect(measured.attr).toBeLessThan(tolerance.attr);
    expect(measured.sum).toBeLessThan(tolerance.sum);
    expect(measured.logits).toBeLessThan(tolerance.logits);
  });
});
