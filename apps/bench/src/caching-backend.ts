import type { GradientBackend, GradientRequest, GradientResponse } from '@ig/core';

/**
 * Wraps a backend whose points all lie on one straight path from a zero baseline and serves each
 * path point's gradient and objective once: rules that share points (nested grids, trapezoid
 * grids, the adaptive rule's bisection points) are counted in full by the core but computed once
 * here. Points are keyed by their values at a few pixels, which fix α on that path.
 */
export function cachingBackend(backend: GradientBackend, probes: readonly number[]) {
  const cache = new Map<string, { objective: number; gradient: Float32Array }>();
  let computed = 0;
  let seconds = 0;
  const keyOf = (points: Float32Array, offset: number): string => probes.map((j) => points[offset + j]).join(',');
  const wrapper: GradientBackend = {
    name: backend.name,
    predict: (batch) => backend.predict(batch),
    dispose: () => backend.dispose(),
    gradients: async (request: GradientRequest): Promise<GradientResponse> => {
      const points = request.points[0] as Float32Array;
      const size = points.length / request.count;
      const outputSize = request.outputWeights.length / request.count;
      const keys = Array.from({ length: request.count }, (_, k) => keyOf(points, k * size));
      const missing = keys.flatMap((key, k) => (cache.has(key) ? [] : [k]));
      if (missing.length > 0) {
        const subset = new Float32Array(missing.length * size);
        missing.forEach((k, m) => subset.set(points.subarray(k * size, (k + 1) * size), m * size));
        const weights = new Float32Array(missing.length * outputSize);
        missing.forEach((k, m) => weights.set(request.outputWeights.subarray(k * outputSize, (k + 1) * outputSize), m * outputSize));
        const started = performance.now();
        const response = await backend.gradients({ points: [subset], pointShapes: request.pointShapes, count: missing.length, outputWeights: weights });
        seconds += (performance.now() - started) / 1000;
        computed += missing.length;
        const gradient = response.gradients[0] as Float32Array;
        missing.forEach((k, m) =>
          cache.set(keys[k] as string, { objective: response.objective[m] as number, gradient: gradient.slice(m * size, (m + 1) * size) }),
        );
      }
      const objective = new Float32Array(request.count);
      const gradients = new Float32Array(request.count * size);
      keys.forEach((key, k) => {
        const hit = cache.get(key) as { objective: number; gradient: Float32Array };
        objective[k] = hit.objective;
        gradients.set(hit.gradient, k * size);
      });
      return { objective, gradients: [gradients] };
    },
  };
  return { backend: wrapper, computed: () => computed, seconds: () => seconds };
}
