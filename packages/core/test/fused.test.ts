import { describe, expect, it } from 'vitest';
import { integratedGradients } from '../src/index.js';
import { fused } from './helpers/fused.js';
import { irisMlpBackend } from './helpers/iris-mlp.js';
import { captumData } from '@ig/test-fixtures';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

/** The fused path sums in another order: measured 1.9e-7 of max |attr|. */
const TOL_FUSED = 6e-7;

describe('fused integrate', () => {
  const input = captumData('iris_mlp', 'input_batch3');
  it('is used when present, one call per batch of a path, and gives the unfused result', async () => {
    const backend = fused(irisMlpBackend());
    const result = await integratedGradients(backend, input, { target: [0, 1, 2], steps: 50, batchSize: 16 });
    const reference = await integratedGradients(irisMlpBackend(), input, { target: [0, 1, 2], steps: 50 });
    expect(backend.unfusedCalls).toBe(0);
    expect(backend.requests).toHaveLength(3 * Math.ceil(50 / 16));
    expect(backend.requests.every((r) => r.alphas.length <= 16 && r.input[0]?.length === 4)).toBe(true);
    const attr = relativeDeviation(result.attributions[0]?.data as Float32Array, reference.attributions[0]?.data as Float32Array);
    measure('fused', { attr });
    expect(attr).toBeLessThanOrEqual(TOL_FUSED);
  });

  it("works with steps: 'auto' and the nested rule, through integrate", async () => {
    const backend = fused(irisMlpBackend());
    const result = await integratedGradients(backend, input, { target: [0, 1, 2], steps: 'auto', autoRule: 'nested', tolerance: 1e-3 });
    for (const r of result.reports) expect(r.relativeError).toBeLessThanOrEqual(1e-3);
    expect(backend.unfusedCalls).toBe(0);
  });

  it("works with steps: 'auto' and the adaptive rule, each round's points of every path in one gradients call", async () => {
    // The adaptive rule needs every point's objective and gradient, which integrate does not return.
    const backend = fused(irisMlpBackend());
    const result = await integratedGradients(backend, input, { target: [0, 1, 2], steps: 'auto', tolerance: 1e-3, batchSize: 1000 });
    const reference = await integratedGradients(irisMlpBackend(), input, { target: [0, 1, 2], steps: 'auto', tolerance: 1e-3, batchSize: 1000 });
    for (const r of result.reports) expect(r.relativeError).toBeLessThanOrEqual(1e-3);
    expect(backend.requests).toHaveLength(0);
    expect(backend.unfusedCalls).toBe(Math.max(...result.reports.map((r) => r.refinement?.rounds ?? Infinity)));
    expect(Array.from(result.attributions[0]?.data ?? [])).toEqual(Array.from(reference.attributions[0]?.data ?? []));
  });
});
