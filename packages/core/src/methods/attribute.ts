import { checkStepsAndMethod } from '../path-rules.js';
import { pinTargets } from '../pinned-targets.js';
import { normalizeInputs } from '../validate.js';
import { inputTensors, type Inputs } from '../inputs.js';
import type { GradientBackend } from '../backend.js';
import { InvalidOptionError } from '../errors.js';
import { blurIG, type BlurIGOptions } from './blur-ig.js';
import { expectedGradients, type ExpectedGradientsOptions } from './expected-gradients.js';
import { guidedIG, type GuidedIGOptions } from './guided-ig.js';
import { inputXGradient } from './input-x-gradient.js';
import { checkMethodOptions } from './method-options.js';
import { integratedGradientsMethod, type IntegratedGradientsMethodOptions } from './integrated-gradients.js';
import { checkNoiseOptions, noiseTunnel, type AttributionMethod, type NoiseOptions } from './noise.js';
import type { AttributionResult, PathMethodOptions } from './path-engine.js';
import { saliency, type SaliencyOptions } from './saliency.js';

export type Algorithm = 'integrated-gradients' | 'saliency' | 'input-x-gradient' | 'blur-ig' | 'guided-ig' | 'expected-gradients';
export const ALGORITHMS: readonly Algorithm[] = ['integrated-gradients', 'saliency', 'input-x-gradient', 'blur-ig', 'guided-ig', 'expected-gradients'];

/** Every method's options in one object; each method reads its own. */
export type AttributeOptions = PathMethodOptions &
  IntegratedGradientsMethodOptions &
  SaliencyOptions &
  Omit<BlurIGOptions, 'steps'> &
  Omit<GuidedIGOptions, 'steps' | 'baselines'> &
  Partial<Omit<ExpectedGradientsOptions, 'samples' | 'seed'>> & {
    /** Default 'integrated-gradients'. */
    readonly algorithm?: Algorithm;
    /** Samples of expected-gradients (default 200). */
    readonly samples?: number;
    /** Seed of expected-gradients' draws (default 0). */
    readonly seed?: number;
    /** Noise over the method (Captum's NoiseTunnel); its own samples, stdev and seed. */
    readonly noise?: NoiseOptions;
  };

const methods: Record<Algorithm, AttributionMethod<AttributeOptions>> = {
  'integrated-gradients': (b, x, o) => integratedGradientsMethod(b, x, o),
  saliency: (b, x, o) => saliency(b, x, o),
  'input-x-gradient': (b, x, o) => inputXGradient(b, x, o),
  'blur-ig': (b, x, o) => blurIG(b, x, { ...o, steps: typeof o.steps === 'number' ? o.steps : undefined }),
  'guided-ig': (b, x, o) =>
    guidedIG(b, x, { ...o, steps: typeof o.steps === 'number' ? o.steps : undefined, baselines: o.baselines as GuidedIGOptions['baselines'] }),
  'expected-gradients': (b, x, o) => {
    if (o.references === undefined) throw new InvalidOptionError('expected-gradients needs references: the reference set baselines are drawn from');
    return expectedGradients(b, x, { ...o, references: o.references });
  },
};

/** Runs the method named by `algorithm` (default integrated-gradients), with noise over it when `noise` is given. */
export async function attribute(backend: GradientBackend, inputs: Inputs, options: AttributeOptions = {}): Promise<AttributionResult> {
  const algorithm = options.algorithm ?? 'integrated-gradients';
  const method = methods[algorithm];
  if (method === undefined) throw new InvalidOptionError(`algorithm must be one of ${ALGORITHMS.join(', ')}, got '${String(algorithm)}'`);
  checkMethodOptions(algorithm, options);
  if (options.steps === 'auto' && algorithm !== 'integrated-gradients') {
    throw new InvalidOptionError(`steps: 'auto' refines the straight path of integrated-gradients; give ${algorithm} a number of steps`);
  }
  checkStepsAndMethod(options.steps, options.method);
  const list = inputTensors(inputs);
  if (options.noise !== undefined) {
    checkNoiseOptions(options.noise);
    // Every noisy sample explains the classes ranked at the clean input.
    const target = await pinTargets(backend, normalizeInputs(list), options.target, options);
    return noiseTunnel(method, backend, list, { ...options, target }, options.noise);
  }
  return method(backend, list, options);
}
