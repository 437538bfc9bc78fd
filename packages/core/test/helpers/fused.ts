import type { GradientBackend, IntegrateRequest } from '../../src/index.js';

/** A backend with a fused integrate built from its own gradients, recording each request. */
export function fused(base: GradientBackend): GradientBackend & { requests: IntegrateRequest[]; unfusedCalls: number } {
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
        for (let k = 0; k < count; k++)
          for (let f = 0; f < x.length; f++) out[k * x.length + f] = (b[f] as number) + (request.alphas[k] as number) * ((x[f] as number) - (b[f] as number));
        return out;
      });
      const outputWeights = new Float32Array(count * request.outputWeights.length);
      for (let k = 0; k < count; k++) outputWeights.set(request.outputWeights, k * request.outputWeights.length);
      const { gradients } = await base.gradients({ points, pointShapes: request.pointShapes, count, outputWeights });
      return {
        gradientSums: gradients.map((g, i) => {
          const size = (request.input[i] as Float32Array).length;
          const sum = new Float32Array(size);
          for (let k = 0; k < count; k++)
            for (let f = 0; f < size; f++) sum[f] = (sum[f] as number) + (request.weights[k] as number) * (g[k * size + f] as number);
          return sum;
        }),
      };
    },
    dispose: () => undefined,
  };
  return wrapper;
}
