import type { GradientBackend, GradientRequest } from '../../src/index.js';

/** Wraps a backend and records every gradient request it serves. */
export function counting(backend: GradientBackend): GradientBackend & { points: number; calls: GradientRequest[] } {
  const wrapper = {
    name: backend.name,
    points: 0,
    calls: [] as GradientRequest[],
    predict: (batch: Parameters<GradientBackend['predict']>[0]) => backend.predict(batch),
    gradients: async (request: GradientRequest) => {
      wrapper.points += request.count;
      wrapper.calls.push(request);
      return backend.gradients(request);
    },
    dispose: () => backend.dispose(),
  };
  return wrapper;
}
