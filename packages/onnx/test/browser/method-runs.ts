import type { AttributeOptions } from '@ig/core';

export interface MethodsRequest {
  readonly bytes: number[];
  readonly input: number[];
  readonly baseline: number[];
  readonly shape: number[];
  readonly target: number;
}

/** One small run of each method on an NCHW image, the same in Node and in the page. */
export function methodRuns(baseline: Float32Array, shape: number[]): Record<string, AttributeOptions> {
  const shaped = { data: baseline, shape };
  return {
    saliency: { algorithm: 'saliency' },
    'input-x-gradient': { algorithm: 'input-x-gradient' },
    'ig without multiply-by-inputs': { baselines: shaped, multiplyByInputs: false, steps: 8 },
    'ig of the log-probability': { baselines: shaped, objective: 'log-probability', steps: 8 },
    'blur-ig': { algorithm: 'blur-ig', maxSigma: 3, steps: 8, layout: 'NCHW' },
    'guided-ig': { algorithm: 'guided-ig', baselines: shaped, steps: 8 },
    'expected-gradients': { algorithm: 'expected-gradients', references: shaped, samples: 4, seed: 1 },
    'vargrad over input-x-gradient': { algorithm: 'input-x-gradient', noise: { kind: 'vargrad', samples: 3, stdev: 0.1, seed: 2 } },
  };
}
