import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attribute } from '@ig/core';
import { tfjsBackend } from '../../src/index.js';
import { useBackend } from '../helpers/backends.js';
import { loadReference, nchwToNhwc, smallCnnWeights } from '../helpers/reference.js';
import { smallCnnFromWeights } from '../helpers/small-cnn.js';
import { bundle, chromiumAvailable, openPage, type BrowserSession } from '@ig/browser-harness';
import { methodRuns, type MethodsRequest } from './method-runs.js';

/**
 * Each method in Chromium on webgl against the same method on the Node cpu backend, as max error
 * / max |attr|. Float32 on the GPU sums in another order: measured 1.5e-7 (IG of the probability)
 * to 5.8e-7 (input × gradient).
 */
const TOLERANCE = 3e-6;

describe.skipIf(!chromiumAvailable())('every gradient method in Chromium (webgl)', () => {
  let session: BrowserSession;
  let request: MethodsRequest;
  const expected: Record<string, Float32Array> = {};

  beforeAll(async () => {
    await useBackend('cpu');
    const input = loadReference('data/small_cnn/input2.npy');
    const baseline = loadReference('data/small_cnn/baseline_uniform.npy');
    request = {
      backend: 'webgl',
      weights: smallCnnWeights().map((w) => ({ data: Array.from(w.data), shape: w.shape })),
      input: Array.from(nchwToNhwc(input.data, input.shape)),
      baseline: Array.from(nchwToNhwc(baseline.data, baseline.shape)),
      target: 7,
    };
    const model = smallCnnFromWeights(tf, request.weights);
    for (const [name, options] of Object.entries(methodRuns(Float32Array.from(request.baseline)))) {
      const result = await attribute(
        tfjsBackend(model),
        { data: Float32Array.from(request.input), shape: [1, 28, 28, 1] },
        { ...options, target: request.target },
      );
      expected[name] = result.attributions[0]?.data as Float32Array;
    }
    model.dispose();
    session = await openPage({
      files: {
        '/': '<!doctype html><meta charset="utf-8"><title>@ig/tfjs methods</title><script type="module" src="/page.js"></script>',
        '/page.js': await bundle(fileURLToPath(new URL('./methods-page.ts', import.meta.url))),
      },
      ready: 'typeof window.runMethods === "function"',
    });
  });
  afterAll(async () => {
    await session?.close();
  });

  test('each method matches the Node cpu attributions and leaks no tensor', async () => {
    const result = await session.page.evaluate((r) => window.runMethods(r), request);
    expect(result.backend).toBe('webgl');
    expect(result.tensorsLeaked).toBe(0);
    expect(Object.keys(result.results).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, truth] of Object.entries(expected)) {
      const got = result.results[name] as number[];
      const scale = truth.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
      expect(scale, name).toBeGreaterThan(0);
      let worst = 0;
      got.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - (truth[i] as number)))));
      if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ method: name, attr: worst / scale }));
      expect(worst / scale, name).toBeLessThan(TOLERANCE);
    }
  });
});
