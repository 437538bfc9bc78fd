import { integratedGradients } from '@ig/core';
import type { IntegratedGradientsResult, Tensor } from '@ig/core';
import { buildBaselines } from './baselines.js';
import type { BaselineSettings } from './baselines.js';
import { UsageError } from './errors.js';
import { defaultBatchLimit, evenBatchSize } from './run-size.js';
import type { LoadedInput } from './inputs.js';
import type { LoadedModel } from './load-model.js';
import type { Method } from './options.js';
import type { Progress } from './progress.js';

export interface RunSettings extends BaselineSettings {
  readonly target: string;
  readonly labels: readonly string[] | null;
  readonly steps: number | 'auto';
  readonly tolerance: number | undefined;
  readonly method: Method;
  readonly batchSize: number | undefined;
}

export interface ExampleReport {
  readonly example: number;
  readonly target: number;
  readonly label?: string;
  readonly fInput: number;
  readonly fBaseline: number;
  readonly delta: number;
  readonly relativeError: number;
  readonly steps: number;
  readonly warning?: string;
}

export interface ExplainReport {
  readonly engine: string;
  readonly backend: string;
  readonly provider: string;
  /** The quadrature rule, or `auto` (nested trapezoid grids with Romberg extrapolation). */
  readonly method: Method | 'auto';
  readonly baseline: string;
  readonly baselines: number;
  /** Targets and figures of example 0 (the only one for a single input). */
  readonly target: number;
  readonly label?: string;
  readonly steps: number;
  readonly fInput: number;
  readonly fBaseline: number;
  readonly delta: number;
  readonly relativeError: number;
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

function argmax(values: Float32Array, from: number, count: number): number {
  let best = 0;
  for (let j = 1; j < count; j++) if ((values[from + j] as number) > (values[from + best] as number)) best = j;
  return best;
}

/** Class index per example: `auto` (argmax at the input), an index, or a label from --labels. */
export async function resolveTarget(model: LoadedModel, input: LoadedInput, target: string, labels: readonly string[] | null): Promise<number[]> {
  const examples = input.tensor.shape[0] as number;
  const outputs = await model.backend.predict({ points: [input.tensor.data], pointShapes: [input.tensor.shape.slice(1)], count: examples });
  const outputSize = outputs.length / examples;
  const check = (index: number): number => {
    if (index >= outputSize) throw new UsageError(`--target ${index} is out of range: the model has ${outputSize} outputs (0–${outputSize - 1})`);
    return index;
  };
  if (/^\d+(,\d+)+$/.test(target)) {
    const list = target.split(',').map((t) => check(Number(t)));
    if (list.length !== examples) throw new UsageError(`--target lists ${list.length} classes but the input has ${examples} examples; give one per example`);
    return list;
  }
  let index: number | null = null;
  if (target !== 'auto') {
    if (/^\d+$/.test(target)) index = check(Number(target));
    else if (labels) {
      index = labels.indexOf(target);
      if (index < 0) throw new UsageError(`--target '${target}' is not one of the labels (${labels.slice(0, 5).join(', ')}${labels.length > 5 ? ', …' : ''})`);
      check(index);
    } else throw new UsageError(`--target must be a class index, a comma-separated index per example, auto, or a label with --labels; got '${target}'`);
  }
  return Array.from({ length: examples }, (_, e) => index ?? argmax(outputs, e * outputSize, outputSize));
}

export async function runExplanation(model: LoadedModel, input: LoadedInput, settings: RunSettings, progress: Progress): Promise<Explanation> {
  const started = performance.now();
  const targets = await resolveTarget(model, input, settings.target, settings.labels);
  const baselines = buildBaselines(settings, input);
  const pointFloats = input.tensor.data.length / (input.tensor.shape[0] as number);
  // (Layer attribution runs on the layer's tensors, whose size the core budgets itself.)
  const evenSplit = typeof settings.steps === 'number' && !model.layerAttribution;
  const batchSize = settings.batchSize ?? (evenSplit ? evenBatchSize(settings.steps as number, defaultBatchLimit(pointFloats)) : undefined);
  const common = {
    target: targets,
    // steps 'auto' refines its own nested trapezoid grids, so no rule is named then
    ...(settings.steps === 'auto' ? {} : { method: settings.method }),
    steps: settings.steps,
    ...(settings.tolerance !== undefined ? { tolerance: settings.tolerance } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    onProgress: (done: number, total: number) => progress.update(done, total),
  };
  let result: Pick<IntegratedGradientsResult, 'attributions' | 'reports' | 'backend' | 'gradientEvaluations' | 'warnings'>;
  try {
    if (model.layerAttribution) {
      if (typeof baselines !== 'number' && !('data' in baselines)) {
        throw new UsageError('--layer takes a single baseline; drop --baselines');
      }
      const layer = await model.layerAttribution(input.tensor, { ...common, baselines });
      result = {
        attributions: [layer.attributions],
        reports: [...layer.reports],
        backend: model.backend.name,
        gradientEvaluations: layer.reports.reduce((sum, r) => sum + r.steps, 0),
        warnings: layer.reports.flatMap((r) => (r.warning ? [r.warning] : [])),
      };
    } else {
      result = await integratedGradients(model.backend, input.tensor, { baselines, ...common });
    }
  } finally {
    progress.stop();
  }
  const examples: ExampleReport[] = result.reports.map((r) => ({
    example: r.example,
    target: r.target ?? (targets[r.example] as number),
    ...(settings.labels && r.target !== null && settings.labels[r.target] !== undefined ? { label: settings.labels[r.target] as string } : {}),
    fInput: r.fInput,
    fBaseline: r.fBaseline,
    delta: r.delta,
    relativeError: r.relativeError,
    steps: r.steps,
    ...(r.warning ? { warning: r.warning } : {}),
  }));
  const first = examples[0] as ExampleReport;
  const report: ExplainReport = {
    engine: model.engine,
    backend: result.backend,
    provider: model.provider,
    method: settings.steps === 'auto' ? 'auto' : settings.method,
    baseline: settings.baseline,
    baselines: settings.baselineCount,
    target: first.target,
    ...(first.label !== undefined ? { label: first.label } : {}),
    steps: first.steps,
    fInput: first.fInput,
    fBaseline: first.fBaseline,
    delta: first.delta,
    relativeError: first.relativeError,
    examples,
    gradientEvaluations: result.gradientEvaluations,
    warnings: result.warnings,
    seconds: (performance.now() - started) / 1000,
  };
  return { attributions: result.attributions[0] as Tensor, report };
}
