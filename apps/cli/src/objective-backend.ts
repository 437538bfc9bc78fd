import type { GradientBackend, GradientRequest, IntegrateRequest } from '@ig/core';

/**
 * The model seen through a linear objective: one output per point, Σⱼ wⱼ·outputⱼ. `ig check`
 * runs the core's axiom checks on it (they take a class index), so a --target-weights or
 * --target-region objective is checked as the one output 0. Gradients stay exact: a request's
 * weight s for a point becomes the row s·w of the model's own request.
 */
export function objectiveBackend(backend: GradientBackend, weights: Float32Array): GradientBackend {
  const size = weights.length;
  const expand = (scales: Float32Array): Float32Array => {
    const rows = new Float32Array(scales.length * size);
    scales.forEach((s, k) => {
      for (let j = 0; j < size; j++) rows[k * size + j] = s * (weights[j] as number);
    });
    return rows;
  };
  const integrate = backend.integrate?.bind(backend);
  return {
    get name() {
      return backend.name;
    },
    async predict(batch) {
      const outputs = await backend.predict(batch);
      const objective = new Float32Array(batch.count);
      for (let k = 0; k < batch.count; k++) {
        let sum = 0;
        for (let j = 0; j < size; j++) sum += (weights[j] as number) * (outputs[k * size + j] as number);
        objective[k] = sum;
      }
      return objective;
    },
    gradients: (request: GradientRequest) => backend.gradients({ ...request, outputWeights: expand(request.outputWeights) }),
    ...(integrate ? { integrate: (request: IntegrateRequest) => integrate({ ...request, outputWeights: expand(request.outputWeights) }) } : {}),
    dispose: () => backend.dispose(),
    ...(backend.straightThroughGradients === undefined ? {} : { straightThroughGradients: backend.straightThroughGradients }),
  };
}
