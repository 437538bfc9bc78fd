import { attribute, reduceChannels } from '@ig/core';
import type { AttributeOptions, AttributionResult, BaselineSpec, TargetSpec, Tensor } from '@ig/core';
import { parseAlgorithmSettings, type AlgorithmSettings } from './algorithm-options.js';
import { loadBaselineSet } from './baseline-set.js';
import { UsageError } from './errors.js';
import type { InputSettings, LoadedInput, loadInput } from './inputs.js';
import type { LoadedModel } from './load-model.js';

/** --algorithm's settings and what they need loaded: the reference set of expected-gradients. */
export function algorithmRun(
  raw: Parameters<typeof parseAlgorithmSettings>[0],
  settings: InputSettings,
  modelShape: Parameters<typeof loadInput>[2],
  stepsGiven: boolean,
): { readonly algorithm: AlgorithmSettings; readonly references?: Tensor; readonly stepsGiven: boolean } {
  const algorithm = parseAlgorithmSettings(raw);
  const references = algorithm.baselineSet === undefined ? undefined : loadBaselineSet(algorithm.baselineSet, settings, modelShape);
  return { algorithm, stepsGiven, ...(references !== undefined ? { references } : {}) };
}

/** The options of `attribute` from the command line's settings. */
export function attributeOptions(
  settings: AlgorithmSettings,
  baselines: BaselineSpec,
  references: Tensor | undefined,
  stepsGiven: number | undefined,
  seed: number,
): AttributeOptions {
  const { algorithm } = settings;
  return {
    algorithm,
    objective: settings.objective,
    ...(algorithm === 'integrated-gradients' ? { baselines, multiplyByInputs: settings.multiplyByInputs } : {}),
    ...(algorithm === 'guided-ig' ? { baselines } : {}),
    ...(stepsGiven !== undefined ? { steps: stepsGiven } : {}),
    ...(settings.abs ? { abs: true } : {}),
    ...(settings.maxSigma !== undefined ? { maxSigma: settings.maxSigma } : {}),
    ...(settings.gradStep !== undefined ? { gradStep: settings.gradStep } : {}),
    ...(settings.sqrt ? { sqrt: true } : {}),
    ...(settings.fraction !== undefined ? { fraction: settings.fraction } : {}),
    ...(settings.maxDist !== undefined ? { maxDist: settings.maxDist } : {}),
    ...(references !== undefined
      ? { references, seed, ...(settings.samples !== undefined && settings.noise === undefined ? { samples: settings.samples } : {}) }
      : {}),
    ...(settings.noise !== undefined
      ? {
          noise: {
            kind: settings.noise,
            seed,
            ...(settings.samples !== undefined ? { samples: settings.samples } : {}),
            ...(settings.stdev !== undefined ? { stdev: settings.stdev } : {}),
          },
        }
      : {}),
  };
}

/** Runs a method other than plain IG through @ig/core's `attribute`. */
export async function runAlgorithm(
  model: LoadedModel,
  input: LoadedInput,
  options: AttributeOptions & { readonly target: TargetSpec },
): Promise<AttributionResult> {
  return attribute(model.backend, input.tensor, {
    ...options,
    ...(input.tensor.shape.length === 4 ? { layout: input.layout === 'nchw' ? 'NCHW' : 'NHWC' } : {}),
  });
}

/** --reducer: [N, H, W] per-pixel maps of image attributions. */
export function reduced(attributions: Tensor, input: LoadedInput, settings: AlgorithmSettings): Tensor {
  if (settings.reducer === undefined) return attributions;
  if (attributions.shape.length !== 4)
    throw new UsageError(`--reducer needs image attributions [N, C, H, W] or [N, H, W, C]; these are [${attributions.shape.join(', ')}]`);
  return reduceChannels(attributions, settings.reducer, input.layout === 'nchw' ? 'NCHW' : 'NHWC');
}

/** A reduced [N, H, W] map as a one-channel image in the input's layout, for the heatmaps. */
export function asOneChannel(map: Tensor, input: LoadedInput): Tensor {
  if (map.shape.length !== 3) return map;
  const [n, h, w] = map.shape as [number, number, number];
  return { data: map.data, shape: input.layout === 'nchw' ? [n, 1, h, w] : [n, h, w, 1] };
}
