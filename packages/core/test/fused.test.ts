import { describe, expect, it } from 'vitest';
import { integratedGradients, type GradientBackend, type IntegrateRequest } from '../src/index.js';
import { IRIS_FIXTURES, irisMlpBackend } from './helpers/iris-mlp.js';
import { readNpy } from './helpers/npy.js';

/** A backend with a fused integrate built from its own gradients, recording each request. */
function fused(base: GradientBackend): GradientBackend & { requests: IntegrateRequest[]; unfusedCalls: number } {
  const wrapper = {
    name: 'fused',
    requests: [] as IntegrateRequest[],
    unfusedCalls: 0,
    predict: base.predict.bind(base),
    gradients: async (r: Parameters<GradientBackend['gradients']>[0]) => {
      wrapper.unfusedCalls++;
      return base.gradients(r);
    },
    integrate: async (request: IntegrateRequest) => {
      wrapper.requests.push(request);
      const count = request.alphas.length;
      const points = request.input.map((x, i) => {
        const out = new Float32Array(count * x.length);
        const b = request.baseline[i] as Float32Array;
        for (let k = 0; k < count; k++) for (let f = 0; f < x.length; f++) out[k * x.length + f] = (b[f] as number) + (request.alphas[k] as number) * ((x[f] as number) - (b[f] as number));
        return out;
      });
      const outputWeights = new Float32Array(count * request.outputWeights.length);
      for (let k = 0; k < count; k++) outputWeights.set(request.outputWeights, k * request.outputWeights.length);
      const { gradients } = await base.gradients({ points, pointShapes: request.pointShapes, count, outputWeights });
      return {
        gradientSums: gradients.map((g, i) => {
          const size = (request.input[i] as Float32Array).length;
          const sum = new Float32Array(size);
          for (let k = 0; k < count; k++) for (let f = 0; f < size; f++) sum[f] = (sum[f] as number) + (request.weights[k] as number) * (g[k * size + f] as number);
          return sum;
        }),
      };
    },
    dispose: () => undefined,
  };
  return wrapper;
}

describe('fused integrate', () => {
  const input = readNpy(`${IRIS_FIXTURES}input_batch3.npy`);
  it('is used when present, one call per batch of a path, and gives the unfused result', async () => {
    const backend = fused(irisMlpBackend());
    const result = await integratedGradients(backend, input, { target: [0, 1, 2], steps: 50, batchSize: 16 });
    const reference = await integratedGradients(irisMlpBackend(), input, { target: [0, 1, 2], steps: 50 });
    expect(backend.unfusedCalls).toBe(0);
    expect(backend.requests).toHaveLength(3 * Math.ceil(50 / 16));
    expect(backend.requests.every((r) => r.alphas.length <= 16 && r.input[0]?.length === 4)).toBe(true);
    result.attributions[0]?.data.forEach((v, i) => expect(Math.abs(v - (reference.attributions[0]?.data[i] as number))).toBeLessThan(1e-6));
  });

  it("works with steps: 'auto'", async () => {
    const backend = fused(irisMlpBackend());
    const result = await integratedGradients(backend, input, { target: [0, 1, 2], steps: 'auto', tolerance: 1e-3 });
    for (const r of result.reports) expect(r.relativeError).toBeLessThanOrEqual(1e-3);
    expect(backend.unfusedCalls).toBe(0);
  });
});
