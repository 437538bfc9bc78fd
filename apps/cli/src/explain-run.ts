import { consecutiveExamples, inputBaselines, integratedGradients, layerIntegratedGradients } from '@ig/core';
import type { AutoRule, IntegratedGradientsResult, RefinementReport, Tensor } from '@ig/core';
import { algorithmLabel, checkAlgorithmFits, isPlainIG, type AlgorithmSettings } from './algorithm-options.js';
import { attributeOptions, reduced, runAlgorithm } from './algorithm-run.js';
import { buildBaselines } from './baselines.js';
import type { BaselineSettings } from './baselines.js';
import { UsageError } from './errors.js';
import { autoReportOf, autoStepsOptionsOf, pathOptionsOf, type PathSettings } from './path-options.js';
import { defaultBatchLimit, evenBatchSize } from './run-size.js';
import type { LoadedInput } from './inputs.js';
import type { LoadedModel } from './load-model.js';
import type { ReportTarget } from './objective-target.js';
import type { ObjectiveTarget } from './objective-target-options.js';
import type { Method } from './options.js';
import type { Progress } from './progress.js';
import { runTargets } from './run-targets.js';
import { targetsFromOutputs } from './target-choice.js';

export interface RunSettings extends BaselineSettings, PathSettings {
  readonly target: string;
  readonly labels: readonly string[] | null;
  /** --target-weights or --target-region (then `target` is unused). */
  readonly objectiveTarget?: ObjectiveTarget;
  /** --algorithm and its options; plain Integrated Gradients when undefined. */
  readonly algorithm?: AlgorithmSettings;
  /** expected-gradients: the --baseline-set, loaded. */
  readonly references?: Tensor;
  /** --steps when given on the command line (blur-ig and guided-ig have their own defaults). */
  readonly stepsGiven?: boolean;
}

export interface ExampleReport {
  readonly example: number;
  /** The class, or the --target-weights / --target-region objective. */
  readonly target: ReportTarget;
  readonly label?: string;
  /** null for a method without a completeness identity (saliency, input-x-gradient, no multiply-by-inputs, noise). */
  readonly fInput: number | null;
  readonly fBaseline: number | null;
  readonly delta: number | null;
  readonly relativeError: number | null;
  readonly steps: number;
  /** With --steps auto and the adaptive rule: evaluations, error bounds and where along α they went. */
  readonly refinement?: RefinementReport;
  readonly warning?: string;
}

export interface ExplainReport {
  readonly engine: string;
  readonly backend: string;
  readonly provider: string;
  /** The quadrature rule, or `auto` (see autoRule). */
  readonly method: Method | 'auto';
  /** With --steps auto: how it refined. */
  readonly autoRule?: AutoRule;
  /** With --steps auto and the adaptive rule: whether a lone midpoint was checked per feature (--check-midpoint). */
  readonly checkMidpoint?: boolean;
  readonly baseline: string;
  readonly baselines: number;
  /** --seed: the draws of random baselines, --noise and expected-gradients follow from it. */
  readonly seed: number;
  /** --algorithm, with its objective and noise when not the defaults. */
  readonly algorithm: string;
  /** Targets and figures of example 0 (the only one for a single input). */
  readonly target: ReportTarget;
  readonly label?: string;
  readonly steps: number;
  readonly fInput: number | null;
  readonly fBaseline: number | null;
  readonly delta: number | null;
  readonly relativeError: number | null;
  readonly examples: readonly ExampleReport[];
  readonly gradientEvaluations: number;
  readonly warnings: readonly string[];
  readonly seconds: number;
}

export interface Explanation {
  /** Attributions with the input's shape (the layer output's shape with --layer). */
  readonly attributions: Tensor;
  readonly report: ExplainReport;
}

/** Class index per example: `auto` (argmax at the input), an index, or a label from --labels. */
export async function resolveTarget(model: LoadedModel, input: LoadedInput, target: string, labels: readonly string[] | null): Promise<number[]> {
  const examples = input.tensor.shape[0] as number;
  const outputs = await model.backend.predict({
    points: [input.tensor.data],
    pointShapes: [input.tensor.shape.slice(1)],
    count: examples,
    exampleIndices: consecutiveExamples(examples),
  });
  return targetsFromOutputs(outputs, examples, target, labels, model.outputShape?.slice(1));
}

/**
 * For `--target auto` on an output with several axes after the batch (`[positions, classes]`),
 * which position and class each example's flat target index is.
 */
export function autoTargetNotes(outputShape: readonly (number | null)[] | null | undefined, targets: readonly number[]): string[] {
  const dims = (outputShape ?? []).slice(1);
  if (dims.length < 2 || dims.slice(1).some((d) => d === null)) return [];
  return targets.map((flat, example) => {
    const index: number[] = [];
    let rest = flat;
    for (let axis = dims.length - 1; axis > 0; axis--) {
      const size = dims[axis] as number;
      index.unshift(rest % size);
      rest = Math.floor(rest / size);
    }
    index.unshift(rest);
    const where = index.length === 2 ? `position ${index[0]}, class ${index[1]}` : `index [${index.join(', ')}]`;
    const asTarget = targets.length === 1 ? `; --target ${index.join(',')} picks another the same way` : '';
    return `target auto${targets.length > 1 ? ` (example ${example})` : ''}: output ${flat} is ${where} of the [${dims.map((d) => d ?? '?').join(', ')}] output (the largest)${asTarget}`;
  });
}

export async function runExplanation(model: LoadedModel, input: LoadedInput, settings: RunSettings, progress: Progress): Promise<Explanation> {
  const started = performance.now();
  const { spec, perExample, classes } = await runTargets(model, input, settings);
  const baselines = buildBaselines(settings, input);
  const pointFloats = input.tensor.data.length / (input.tensor.shape[0] as number);
  // (Layer attribution runs on the layer's tensors, whose size the core budgets itself.)
  const budget = settings.memoryBudgetBytes;
  if (budget !== undefined && !model.layerSplit && budget < pointFloats * 8) {
    const mib = (bytes: number): string => (bytes / 2 ** 20).toPrecision(3);
    throw new UsageError(`--memory-budget ${mib(budget)} MiB is below what one path point and its gradient need, ${mib(pointFloats * 8)} MiB; raise it`);
  }
  const evenSplit = typeof settings.steps === 'number' && !model.layerSplit;
  const batchSize =
    settings.batchSize ?? (evenSplit ? evenBatchSize(settings.steps as number, defaultBatchLimit(pointFloats, settings.memoryBudgetBytes)) : undefined);
  const common = {
    target: spec,
    ...pathOptionsOf(settings, batchSize),
    onProgress: (done: number, total: number) => progress.update(done, total),
  };
  let result: Pick<IntegratedGradientsResult, 'attributions' | 'reports' | 'backend' | 'gradientEvaluations' | 'warnings'>;
  try {
    checkAlgorithmFits(settings.algorithm, { layer: model.layerSplit !== undefined, steps: settings.steps, stepsGiven: settings.stepsGiven === true });
    if (model.layerSplit) {
      if (typeof baselines !== 'number' && !('data' in baselines)) {
        throw new UsageError('--layer takes a single baseline; drop --baselines');
      }
      const layer = await layerIntegratedGradients(model.layerSplit, [input.tensor], { ...common, baselines: inputBaselines([input.tensor], baselines) });
      result = { ...layer, attributions: [layer.attribution] };
    } else if (settings.algorithm !== undefined && !isPlainIG(settings.algorithm)) {
      const ig = settings.algorithm.algorithm === 'integrated-gradients';
      const steps = ig || settings.stepsGiven === true ? settings.steps : undefined;
      const {
        method: _rule,
        autoRule: _auto,
        maxSteps: _max,
        checkMidpoint: _check,
        steps: _steps,
        ...shared
      } = common as typeof common & {
        method?: unknown;
        autoRule?: unknown;
        maxSteps?: unknown;
        checkMidpoint?: unknown;
      };
      result = await runAlgorithm(model, input, {
        ...shared,
        ...(ig && settings.steps !== 'auto' ? { method: settings.method } : {}),
        ...attributeOptions(settings.algorithm, baselines, settings.references, typeof steps === 'number' ? steps : undefined, settings.seed),
        ...(steps === 'auto' ? { steps: 'auto' as const, ...autoStepsOptionsOf(settings) } : {}),
        target: spec,
      });
    } else {
      result = await integratedGradients(model.backend, input.tensor, { baselines, ...common });
    }
  } finally {
    progress.stop();
  }
  const perCell = Math.max(1, Math.round(result.gradientEvaluations / Math.max(1, perExample.length)));
  const labelOf = (target: ReportTarget | null): { label?: string } =>
    typeof target === 'number' && settings.labels?.[target] !== undefined ? { label: settings.labels[target] } : {};
  const withoutCompleteness = (example: number, target: ReportTarget): ExampleReport => ({
    example,
    target,
    ...labelOf(target),
    fInput: null,
    fBaseline: null,
    delta: null,
    relativeError: null,
    steps: perCell,
  });
  const examples: ExampleReport[] =
    result.reports.length === 0
      ? perExample.map((t, e) => withoutCompleteness(e, t))
      : result.reports.map((r) => ({
          example: r.example,
          target: r.target ?? (perExample[r.example] as ReportTarget),
          ...labelOf(r.target),
          fInput: r.fInput,
          fBaseline: r.fBaseline,
          delta: r.delta,
          relativeError: r.relativeError,
          steps: r.steps,
          ...(r.refinement ? { refinement: r.refinement } : {}),
          ...(r.warning ? { warning: r.warning } : {}),
        }));
  const first = examples[0] as ExampleReport;
  const report: ExplainReport = {
    engine: model.engine,
    backend: result.backend,
    provider: model.provider,
    method: settings.steps === 'auto' ? 'auto' : settings.method,
    ...autoReportOf(settings),
    baseline: settings.baseline,
    baselines: settings.baselineCount,
    seed: settings.seed,
    algorithm: algorithmLabel(settings.algorithm),
    target: first.target,
    ...(first.label !== undefined ? { label: first.label } : {}),
    steps: first.steps,
    fInput: first.fInput,
    fBaseline: first.fBaseline,
    delta: first.delta,
    relativeError: first.relativeError,
    examples,
    gradientEvaluations: result.gradientEvaluations,
    warnings: [...(settings.target === 'auto' ? autoTargetNotes(model.outputShape, classes) : []), ...result.warnings],
    seconds: (performance.now() - started) / 1000,
  };
  const attributions = result.attributions[0] as Tensor;
  return { attributions: settings.algorithm === undefined ? attributions : reduced(attributions, input, settings.algorithm), report };
}
