import type { GradientBackend } from './backend.js';
import { checkBackend } from './backend-contract.js';

/** `count` points of examples `first`, `first + 1`, …: one point per example. */
export function consecutiveExamples(count: number, first = 0): Int32Array {
  return Int32Array.from({ length: count }, (_, k) => first + k);
}

/** `count` points, all of example `example`. */
export function pointsOfExample(count: number, example: number): Int32Array {
  return new Int32Array(count).fill(example);
}

/**
 * The backend with every call's points attributed to example `example`, whatever example
 * indices the caller set: for work on one example that builds batches of its variants (masked
 * groups, probed features), so that a backend with per-example values feeds that example's.
 */
export function backendForExample(backend: GradientBackend, example: number): GradientBackend {
  checkBackend(backend);
  const pinned: GradientBackend = {
    name: backend.name,
    predict: (batch) => backend.predict({ ...batch, exampleIndices: pointsOfExample(batch.count, example) }),
    gradients: (request) => backend.gradients({ ...request, exampleIndices: pointsOfExample(request.count, example) }),
    dispose: () => backend.dispose(),
    ...(backend.straightThroughGradients === undefined ? {} : { straightThroughGradients: backend.straightThroughGradients }),
  };
  const integrate = backend.integrate;
  if (integrate !== undefined) pinned.integrate = (request) => integrate.call(backend, { ...request, exampleIndex: example });
  return pinned;
}
