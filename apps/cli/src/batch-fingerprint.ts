import { resolve } from 'node:path';
import type { AlgorithmSettings } from './algorithm-options.js';
import { DEFAULT_MAX_STEPS } from './auto-steps-options.js';
import { modelFiles, tokenizerFile, type DependedFile } from './batch-file-hashes.js';
import type { BatchItem } from './batch-items.js';
import type { ObjectiveTarget } from './objective-target-options.js';
import type { TokenRunSettings } from './text/token-session.js';
import type { ExplainSettings } from './options.js';

/** What a fingerprint without the `algorithm`, `autoRule` or `maxSteps` entry was computed with. */
export const ABSENT_MEANS = {
  algorithm: 'plain integrated-gradients',
  autoRule: 'the default, "adaptive"',
  maxSteps: `the default, ${DEFAULT_MAX_STEPS}`,
} as const;

/**
 * --auto-rule and --max-steps of --steps auto, each only where not the default, so that an out-dir
 * begun before they were recorded (with the defaults) resumes as before.
 */
function autoStepsFingerprint(settings: ExplainSettings): Record<string, unknown> {
  if (settings.steps !== 'auto') return {};
  const { autoRule, maxSteps } = settings;
  return {
    ...(autoRule !== 'adaptive' ? { autoRule } : {}),
    ...(maxSteps !== undefined && maxSteps !== DEFAULT_MAX_STEPS ? { maxSteps } : {}),
  };
}

/**
 * --algorithm and its options as one entry keyed by flag, so that a refused resume names them;
 * undefined for plain Integrated Gradients, so that an out-dir begun before --algorithm existed
 * resumes as before.
 */
function algorithmFingerprint(algorithm: AlgorithmSettings, stepsGiven: boolean): Record<string, unknown> | undefined {
  const given = (flag: string, value: unknown): Record<string, unknown> => (value === undefined ? {} : { [flag]: value });
  const other = algorithm.algorithm !== 'integrated-gradients';
  const options = {
    ...given('--no-multiply-by-inputs', algorithm.multiplyByInputs ? undefined : true),
    ...given('--objective', algorithm.objective === 'logit' ? undefined : algorithm.objective),
    ...given('--reducer', algorithm.reducer),
    ...given('--noise', algorithm.noise),
    ...given('--samples', algorithm.samples),
    ...given('--stdev', algorithm.stdev),
    ...given('--abs', algorithm.abs ? true : undefined),
    ...given('--max-sigma', algorithm.maxSigma),
    ...given('--grad-step', algorithm.gradStep),
    ...given('--sqrt', algorithm.sqrt ? true : undefined),
    ...given('--fraction', algorithm.fraction),
    ...given('--max-dist', algorithm.maxDist),
    ...given('--baseline-set', algorithm.baselineSet === undefined ? undefined : resolve(algorithm.baselineSet)),
    // Without --steps the other methods take their own default, not the default of --steps.
    ...(other && !stepsGiven ? { '--steps': `not given: the default of ${algorithm.algorithm}` } : {}),
  };
  return other || Object.keys(options).length > 0 ? { '--algorithm': algorithm.algorithm, ...options } : undefined;
}

/** The options that shape the results; a resumed run must use the same ones. */
export function batchFingerprint(settings: ExplainSettings, algorithm: AlgorithmSettings, stepsGiven: boolean, heatmaps: boolean): Record<string, unknown> {
  const { model, size, layout, normalization, channels, baseline, baselineCount, seed, target, labels, steps, tolerance, method, layer } = settings;
  const heatmap = heatmaps ? { style: settings.heatmapStyle, sign: settings.sign, outlierPercentile: settings.outlierPercentile } : null;
  const output = settings.output !== undefined ? { output: settings.output } : {};
  const common = {
    model: resolve(model),
    ...output,
    size,
    layout,
    normalization,
    channels,
    baseline,
    baselineCount,
    seed,
    target,
    labels,
    steps,
    ...autoStepsFingerprint(settings),
    tolerance: tolerance ?? null,
    method,
    layer: layer ?? null,
    heatmap,
    // Only where given, so that an out-dir begun before --check-midpoint existed resumes as before.
    ...(settings.checkMidpoint ? { checkMidpoint: true } : {}),
  };
  const methodOptions = algorithmFingerprint(algorithm, stepsGiven);
  return methodOptions === undefined ? common : { ...common, algorithm: methodOptions };
}

/**
 * Every file the results depend on, beside the inputs themselves: the model, --labels, a
 * --baseline, --baseline-set, --target-weights or --region-mask file, a token batch's tokenizer
 * and --baseline-ids, and the "context" files of every manifest line (of all shards, so that each
 * records the same).
 */
export async function batchDependedFiles(
  settings: ExplainSettings,
  options: {
    readonly algorithm: AlgorithmSettings;
    readonly objectiveTarget: ObjectiveTarget | undefined;
    readonly tokens: TokenRunSettings | undefined;
    readonly items: readonly BatchItem[];
  },
): Promise<DependedFile[]> {
  const { algorithm, objectiveTarget, tokens, items } = options;
  const named = (path: string | undefined, of: string): DependedFile[] => (path === undefined ? [] : [{ path, of }]);
  return [
    ...(await modelFiles(settings.model, settings.provider)),
    ...named(settings.labels ?? undefined, '--labels'),
    ...named(/\.npy$/i.test(settings.baseline) ? settings.baseline : undefined, '--baseline'),
    ...named(algorithm.baselineSet, '--baseline-set'),
    ...named(objectiveTarget?.kind === 'weights' ? objectiveTarget.file.file : undefined, '--target-weights'),
    ...named(objectiveTarget?.kind === 'region' ? objectiveTarget.mask.file : undefined, '--region-mask'),
    ...(tokens ? [...tokenizerFile(settings.model, tokens.tokenizer), ...named(tokens.baselineIds, '--baseline-ids')] : []),
    ...items.flatMap((item) => [...(item.context ?? new Map<string, string>())].map(([name, path]) => ({ path, of: `"context" "${name}" of ${item.id}` }))),
  ];
}
