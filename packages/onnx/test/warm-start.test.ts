import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import type * as ModelIo from '../src/proto/model-io.js';
import type { OrtSessionOptionsLike } from '../src/runtime/ort.js';

// Every decode and encode of a model goes through model-io: count them on a warm run.
const calls = vi.hoisted(() => ({ decodes: 0, encodes: 0 }));
vi.mock('../src/proto/model-io.js', async (importOriginal) => {
  const original = await importOriginal<typeof ModelIo>();
  return {
    ...original,
    decodeModel: (bytes: Uint8Array) => {
      calls.decodes++;
      return original.decodeModel(bytes);
    },
    encodeModel: (model: Parameters<typeof original.encodeModel>[0]) => {
      calls.encodes++;
      return original.encodeModel(model);
    },
  };
});

const { onnxBackend, runtime } = await import('../src/node.js');
const { captumCase, expectCaptumParity, loadCase, modelBytes } = await import('./helpers/captum.js');

const reference = captumCase('small_cnn/c0_gausslegendre_50');
const bytes = modelBytes(reference);
const { input, baseline } = loadCase(reference);

const folders: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** IG-50 on the small CNN through a fresh backend (cached in `dir`, or not): what it computed and what it cost. */
async function explain(dir: string | undefined) {
  calls.decodes = 0;
  calls.encodes = 0;
  const creations: OrtSessionOptionsLike[] = [];
  const create = runtime.InferenceSession.create.bind(runtime.InferenceSession);
  const spy = vi.spyOn(runtime.InferenceSession, 'create').mockImplementation((model, options) => {
    creations.push(options ?? {});
    return create(model, options);
  });
  const backend = await onnxBackend(bytes, dir === undefined ? {} : { cacheDir: dir, onWarning: (message) => expect.fail(message) });
  const result = await integratedGradients(backend, tensor(input.data, input.shape), {
    baselines: tensor(baseline.data, baseline.shape),
    target: reference.target,
    steps: 50,
    method: 'gauss-legendre',
  });
  const predicted = await backend.predict({ points: [input.data], pointShapes: [input.shape.slice(1)], count: 1 });
  await backend.dispose();
  spy.mockRestore();
  const attributions = result.attributions[0]?.data as Float32Array;
  return { attributions, predicted, reports: result.reports, creations, decodes: calls.decodes, encodes: calls.encodes, stats: backend.stats };
}

const same = (a: Float32Array, b: Float32Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('a warm run (every graph cached) from model bytes', () => {
  it('decodes the model once, never encodes it, and opens the forward and fused sessions from optimized models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ig-warm-start-'));
    folders.push(dir);
    const uncached = await explain(undefined);
    const cold = await explain(dir);
    // Cold: the forward session's model and the fused graph are encoded, and both optimized by onnxruntime.
    expect(cold.encodes).toBeGreaterThanOrEqual(2);
    expect(cold.creations.map((o) => o.graphOptimizationLevel)).toEqual([undefined, undefined]);
    const warm = await explain(dir);
    expect(warm.decodes).toBe(1);
    expect(warm.encodes).toBe(0);
    expect(warm.stats.sessions).toEqual({ forward: 1, gradient: 0, fused: 1, probe: 0 });
    expect(warm.stats.cache).toEqual({ hits: 1, misses: 0, rejected: 0 });
    // Two sessions, both from onnxruntime's stored optimized models, with no optimization of their own.
    expect(warm.creations.map((o) => o.graphOptimizationLevel)).toEqual(['disabled', 'disabled']);
    // The same numbers as a run without any cache, to the bit: attributions, F(x), F(x') and the completeness gap.
    expectCaptumParity(reference, uncached.attributions);
    for (const run of [cold, warm]) {
      expect(same(run.attributions, uncached.attributions)).toBe(true);
      expect(same(run.predicted, uncached.predicted)).toBe(true);
      expect(run.reports).toEqual(uncached.reports);
    }
  });
});
