import { integratedGradients, type GradientBackend, type IntegratedGradientsResult } from '@ig/core';

/** One benchmark case: a single input, its shape with the batch axis, the target and the steps. */
export interface BenchRequest {
  readonly input: number[];
  readonly shape: number[];
  readonly target: number;
  readonly steps: number;
}

/**
 * One IG run after a warm-up run, and `request.steps` single-point forward passes after a warm-up
 * pass, timed on the calling thread (the page's or Node's).
 */
export async function timeIgAndForwards(
  backend: GradientBackend,
  request: BenchRequest,
): Promise<{ result: IntegratedGradientsResult; igSeconds: number; forwardsSeconds: number }> {
  const input = { data: Float32Array.from(request.input), shape: request.shape };
  const run = () => integratedGradients(backend, input, { target: request.target, steps: request.steps });
  await run();
  let start = performance.now();
  const result = await run();
  const igSeconds = (performance.now() - start) / 1000;
  const batch = { points: [input.data], pointShapes: [request.shape.slice(1)], count: 1 };
  await backend.predict(batch);
  start = performance.now();
  for (let k = 0; k < request.steps; k++) await backend.predict(batch);
  const forwardsSeconds = (performance.now() - start) / 1000;
  return { result, igSeconds, forwardsSeconds };
}
