import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundle, chromiumAvailable, openPage, type BrowserSession } from '@ig/browser-harness';
import { attribute, tensor } from '@ig/core';
import { captumCase, loadCase, modelBytes } from '../helpers/captum.js';
import { onnxBackend as nodeBackend } from '../../src/node.js';
import { methodRuns, type MethodsRequest } from './method-runs.js';

const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));

/**
 * Each method on onnxruntime-web (wasm) in Chromium against the same method on onnxruntime-node,
 * as max error / max |attr|: two builds of one runtime on the CPU. Measured 9.7e-8 (IG of the log-probability) to 4.8e-7 (input × gradient).
 */
const TOLERANCE = 2e-6;

describe.skipIf(!chromiumAvailable())('every gradient method on onnxruntime-web in Chromium', () => {
  let session: BrowserSession;
  let request: MethodsRequest;
  const expected: Record<string, Float32Array> = {};

  beforeAll(async () => {
    const c = captumCase('small_cnn/c2_gausslegendre_50');
    const { input, baseline } = loadCase(c);
    request = {
      bytes: Array.from(modelBytes(c)),
      input: Array.from(input.data),
      baseline: Array.from(baseline.data),
      shape: [...input.shape],
      target: c.target as number,
    };
    const backend = await nodeBackend(modelBytes(c), { executionProviders: ['cpu'] });
    for (const [name, options] of Object.entries(methodRuns(Float32Array.from(request.baseline), request.shape))) {
      const result = await attribute(backend, tensor(Float32Array.from(request.input), request.shape), { ...options, target: request.target });
      expected[name] = result.attributions[0]?.data as Float32Array;
    }
    await backend.dispose();
    session = await openPage({
      files: {
        '/': '<!doctype html><meta charset="utf-8"><title>@ig/onnx methods</title><script type="module" src="/page.js"></script>',
        '/page.js': await bundle(fileURLToPath(new URL('./methods-page.ts', import.meta.url))),
      },
      directories: { '/ort/': ortDist },
      ready: 'typeof window.runMethods === "function"',
    });
  });
  afterAll(async () => {
    await session?.close();
  });

  test('each method matches onnxruntime-node', async () => {
    const result = await session.page.evaluate((r) => window.runMethods(r), request);
    expect(result.backend).toMatch(/wasm/);
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
