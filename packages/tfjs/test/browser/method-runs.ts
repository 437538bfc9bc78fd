import type { AttributeOptions } from '@ig/core';
import type { WeightArray } from '../helpers/small-cnn.js';

export interface MethodsRequest {
  readonly backend: string;
  readonly weights: WeightArray[];
  readonly input: number[];
  readonly baseline: number[];
  readonly target: number;
}

/** One small run of each method, the same in Node and in the page. */
export function methodRuns(baseline: Float32Array): Record<string, AttributeOptions> {
  const shaped = { data: baseline, shape: [1, 28, 28, 1] };
  return {
    saliency: { algorithm: 'saliency' },
    'input-x-gradient': { algorithm: 'input-x-gradient' },
    'ig without multiply-by-inputs': { baselines: shaped, multiplyByInputs: false, steps: 8 },
    'ig of the probability': { baselines: shaped, objective: 'probability', steps: 8 },
    'blur-ig': { algorithm: 'blur-ig', maxSigma: 3, steps: 8 },
    'guided-ig': { algorithm: 'guided-ig', baselines: shaped, steps: 8 },
    'expected-gradients': { algorithm: 'expected-gradients', references: shaped, samples: 4, seed: 1 },
    'smoothgrad over saliency': { algorithm: 'saliency', noise: { samples: 3, stdev: 0.1, seed: 2 } },
  };
}
