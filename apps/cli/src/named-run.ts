import { attribute, integratedGradients, reduceChannels } from '@ig/core';
import type { AttributionResult, PathReport, Tensor } from '@ig/core';
import { algorithmLabel, checkAlgorithmFits, isPlainIG } from './algorithm-options.js';
import { attributeOptions } from './algorithm-run.js';
import { UsageError } from './errors.js';
import { autoTargetNotes, type ExampleReport, type ExplainReport, type RunSettings } from './explain-run.js';
import type { LoadedModel } from './load-model.js';
import { namedBaselines, type NamedLoadedInput } from './named-inputs.js';
import { autoReportOf, autoStepsOptionsOf } from './path-options.js';
import type { Progress } from './progress.js';
import type { ReportTarget } from './objective-target.js';
import { runTargetsOfInputs } from './run-targets.js';

export interface NamedExplanation {
  /** One per model input, in the order of `inputs`. */
  readonly attributions: readonly Tensor[];
  readonly report: ExplainReport;
}

function exampleReport(r: PathReport, targets: readonly ReportTarget[], labels: readonly string[] | null): ExampleReport {
  const target = r.target ?? (targets[r.example] as ReportTarget);
  return {
    example: r.example,
    target,
    ...(typeof target === 'number' && labels?.[target] !== undefined ? { label: labels[target] } : {}),
    fInput: r.fInput,
    fBaseline: r.fBaseline,
    delta: r.delta,
    relativeError: r.relativeError,
    steps: r.steps,
    ...(r.warning ? { warning: r.warning } : {}),
  };
}

/** The model with several inputs explained at once: plain IG through `integratedGradients`, other methods through `attribute`. */
export async function runNamedExplanation(
  model: LoadedModel,
  inputs: readonly NamedLoadedInput[],
  settings: RunSettings,
  progress: Progress,
): Promise<NamedExplanation> {
  const started = performance.now();
  if (model.layerSplit) throw new UsageError('--layer takes one input; drop --layer or give a single --input');
  checkAlgorithmFits(settings.algorithm, { layer: false, steps: settings.steps, stepsGiven: settings.stepsGiven === true });
  if (settings.algorithm?.algorithm === 'expected-gradients' && inputs.length > 1)
    throw new UsageError(
      `--baseline-set holds references for one input; expected-gradients of a model with ${inputs.length} inputs (${inputs.map((n) => n.name).join(', ')}) is not supported from the command line: use attribute() of @ig/core with references per input`,
    );
  const flat = settings.algorithm?.reducer === undefined ? undefined : inputs.find((n) => n.input.tensor.shape.length !== 4);
  if (flat !== undefined)
    throw new UsageError(`--reducer needs image inputs [N, C, H, W] or [N, H, W, C]; input ${flat.name} is [${flat.input.tensor.shape.join(', ')}]`);
  const tensors = inputs.map((n) => n.input.tensor);
  const {
    spec,
    perExample: targets,
    classes,
  } = await runTargetsOfInputs(
    model,
    inputs.map((n) => n.input),
    settings,
  );
  const baselines = namedBaselines(settings, inputs);
  const algorithm = settings.algorithm;
  const shared = {
    target: spec,
    ...(settings.tolerance !== undefined ? { tolerance: settings.tolerance } : {}),
    ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
    ...(settings.stepsLimit !== undefined ? { stepsLimit: settings.stepsLimit } : {}),
    ...(settings.memoryBudgetBytes !== undefined ? { memoryBudgetBytes: settings.memoryBudgetBytes } : {}),
    onProgress: (done: number, total: number) => progress.update(done, total),
  };
  const auto = settings.steps === 'auto';
  let result: Pick<AttributionResult, 'attributions' | 'reports' | 'backend' | 'gradientEvaluations' | 'warnings'>;
  try {
    if (algorithm === undefined || isPlainIG(algorithm)) {
      result = await integratedGradients(model.backend, tensors, {
        ...shared,
        baselines,
        steps: settings.steps,
        ...(auto ? autoStepsOptionsOf(settings) : { method: settings.method }),
      });
    } else {
      const ig = algorithm.algorithm === 'integrated-gradients';
      const steps = ig || settings.stepsGiven === true ? settings.steps : undefined;
      if (steps === 'auto')
        throw new UsageError(`--steps auto refines the straight path of plain Integrated Gradients; give ${algorithmLabel(algorithm)} a number of steps`);
      result = await attribute(model.backend, tensors, {
        ...shared,
        ...(ig ? { method: settings.method } : {}),
        ...attributeOptions(algorithm, baselines, settings.references, steps, settings.seed),
      });
    }
  } finally {
    progress.stop();
  }
  const reducer = algorithm?.reducer;
  const attributions = result.attributions.map((a, k) => {
    if (reducer === undefined) return a;
    return reduceChannels(a, reducer, (inputs[k] as NamedLoadedInput).input.layout === 'nchw' ? 'NCHW' : 'NHWC');
  });
  const perCell = Math.max(1, Math.round(result.gradientEvaluations / Math.max(1, targets.length)));
  const reports: ExampleReport[] =
    result.reports.length > 0
      ? result.reports.map((r) => exampleReport(r, targets, settings.labels))
      : targets.map((target, example) => ({ example, target, fInput: null, fBaseline: null, delta: null, relativeError: null, steps: perCell }));
  const first = reports[0] as ExampleReport;
  const report: ExplainReport = {
    engine: model.engine,
    backend: result.backend,
    provider: model.provider,
    method: auto ? 'auto' : settings.method,
    ...autoReportOf(settings),
    baseline: settings.baseline,
    baselines: settings.baselineCount,
    seed: settings.seed,
    algorithm: algorithmLabel(algorithm),
    target: first.target,
    ...(first.label !== undefined ? { label: first.label } : {}),
    steps: first.steps,
    fInput: first.fInput,
    fBaseline: first.fBaseline,
    delta: first.delta,
    relativeError: first.relativeError,
    examples: reports,
    gradientEvaluations: result.gradientEvaluations,
    warnings: [...(settings.target === 'auto' ? autoTargetNotes(model.outputShape, classes) : []), ...result.warnings],
    seconds: (performance.now() - started) / 1000,
  };
  return { attributions, report };
}
