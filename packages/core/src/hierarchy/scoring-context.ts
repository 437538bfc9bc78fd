import { throwIfAborted, type AbortSignalLike } from '../abort.js';
import type { GradientBackend } from '../backend.js';
import { broadcastTo, formatShape, type Tensor } from '../tensor.js';
import { BaselineError, InvalidOptionError, ShapeMismatchError, TargetError } from '../errors.js';
import { normalizeInputs } from '../validate.js';
import { resolveBatchSize } from '../batching.js';
import { backendForExample, pointsOfExample } from '../example-indices.js';
import { predictPoints } from '../predict.js';
import { firstNonFinite } from '../path-kernels.js';

/** A group of features: flat indices into one example of the model's (single) input. */
export type FeatureGroup = readonly number[];

/** What every group score needs: the model, the one example it explains, its baseline and target. */
export interface GroupScoreOptions {
  readonly backend: GradientBackend;
  /** One example with its batch axis: shape [1, ...]. */
  readonly input: Tensor;
  /** The value a removed feature takes: a number, or a tensor broadcastable to the input (default 0). */
  readonly baseline?: number | Tensor;
  /** The class whose output is scored, or a weight vector over the outputs (a linear objective). */
  readonly target: number | Float32Array | readonly number[];
  /** Points per backend call (default: from an 8 MiB budget, at most 128). */
  readonly batchSize?: number;
  readonly signal?: AbortSignalLike;
}

/** The resolved options: baseline materialised, objective weights known, F(x) and F(x′) computed. */
export interface ScoringContext {
  readonly backend: GradientBackend;
  readonly input: Float32Array;
  readonly baseline: Float32Array;
  readonly pointShape: readonly number[];
  readonly size: number;
  readonly weights: Float32Array;
  readonly batchSize: number;
  readonly signal: AbortSignalLike | undefined;
  readonly fInput: number;
  readonly fBaseline: number;
}

export function objectiveOf(weights: Float32Array, outputs: Float32Array, offset: number): number {
  let sum = 0;
  for (let j = 0; j < weights.length; j++) sum += (weights[j] as number) * (outputs[offset + j] as number);
  return sum;
}

/** Refuses a target that is neither a number nor a list of finite numbers, before the model runs. */
function checkTargetForm(target: GroupScoreOptions['target']): void {
  if (typeof target === 'number') return;
  if (!Array.isArray(target) && !(target instanceof Float32Array)) {
    throw new TargetError(`target must be a class index or a list of output weights, got ${target === null ? 'null' : typeof target}`);
  }
  for (let j = 0; j < target.length; j++) {
    const v: unknown = target[j];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TargetError(`target[${j}] = ${String(v)} is not a finite number`);
  }
}

function targetWeights(target: GroupScoreOptions['target'], outputSize: number): Float32Array {
  if (typeof target === 'number') {
    if (!Number.isInteger(target) || target < 0 || target >= outputSize) {
      throw new TargetError(`target ${String(target)} is out of range: the model has ${outputSize} output(s), valid indices are 0..${outputSize - 1}`);
    }
    const weights = new Float32Array(outputSize);
    weights[target] = 1;
    return weights;
  }
  if (target.length !== outputSize) throw new TargetError(`target weights have ${target.length} values but the model has ${outputSize} outputs`);
  return Float32Array.from(target);
}

/** Checks the group's indices; returns them as they are. */
export function checkGroup(group: FeatureGroup, size: number, index: number): FeatureGroup {
  for (const f of group) {
    if (!Number.isInteger(f) || f < 0 || f >= size) {
      throw new InvalidOptionError(`group ${index} holds feature ${String(f)}, outside the input's ${size} features (0..${size - 1})`);
    }
  }
  return group;
}

/** Validates the options and runs the model at the input and at the baseline (two forward passes). */
export async function scoringContext(options: GroupScoreOptions): Promise<ScoringContext> {
  const model = normalizeInputs(options.input);
  if (model.examples !== 1) {
    throw new ShapeMismatchError(`group scores explain one example: the input has shape ${formatShape(options.input.shape)}; give it a batch axis of 1`);
  }
  const size = model.pointSizes[0] as number;
  const pointShape = model.pointShapes[0] as readonly number[];
  // Every batch scored here holds variants of the one example.
  const backend = backendForExample(options.backend, 0);
  checkTargetForm(options.target);
  const baselineSpec = options.baseline ?? 0;
  let baseline: Float32Array;
  if (typeof baselineSpec === 'number') {
    if (!Number.isFinite(baselineSpec)) throw new BaselineError(`baseline is ${baselineSpec}`);
    baseline = new Float32Array(size).fill(baselineSpec);
  } else {
    const full = broadcastTo(baselineSpec, options.input.shape);
    if (full === null)
      throw new BaselineError(
        `baseline of shape ${formatShape(baselineSpec.shape)} does not broadcast to the input's shape ${formatShape(options.input.shape)}`,
      );
    const bad = firstNonFinite(full);
    if (bad >= 0) throw new BaselineError(`baseline has ${String(full[bad])} at flat index ${bad} (after broadcasting to ${formatShape(options.input.shape)})`);
    baseline = full;
  }
  const batchSize = resolveBatchSize(size, options.batchSize, undefined);
  throwIfAborted(options.signal);
  const both = new Float32Array(2 * size);
  both.set(options.input.data, 0);
  both.set(baseline, size);
  const { outputs, outputSize } = await predictPoints(
    backend,
    [both],
    [pointShape],
    [size],
    pointsOfExample(2, 0),
    batchSize,
    options.signal,
    'the input and baseline',
  );
  const weights = targetWeights(options.target, outputSize);
  return {
    backend,
    input: options.input.data,
    baseline,
    pointShape,
    size,
    weights,
    batchSize,
    signal: options.signal,
    fInput: objectiveOf(weights, outputs, 0),
    fBaseline: objectiveOf(weights, outputs, outputSize),
  };
}

/**
 * The objective at one modified input per group, in backend calls of `batchSize` points:
 * `fill(group, point)` writes the group's point into a buffer that starts as a copy of `start`.
 */
export async function objectivePerGroup(
  context: ScoringContext,
  groups: readonly FeatureGroup[],
  start: Float32Array,
  fill: (group: FeatureGroup, point: Float32Array) => void,
): Promise<Float64Array> {
  const { size, batchSize } = context;
  const result = new Float64Array(groups.length);
  const buffer = new Float32Array(Math.min(batchSize, Math.max(1, groups.length)) * size);
  for (let from = 0; from < groups.length; from += batchSize) {
    throwIfAborted(context.signal);
    const n = Math.min(batchSize, groups.length - from);
    for (let k = 0; k < n; k++) {
      const point = buffer.subarray(k * size, (k + 1) * size);
      point.set(start);
      fill(checkGroup(groups[from + k] as FeatureGroup, size, from + k), point);
    }
    const { outputs, outputSize } = await predictPoints(
      context.backend,
      [buffer.subarray(0, n * size)],
      [context.pointShape],
      [size],
      pointsOfExample(n, 0),
      batchSize,
      context.signal,
      'a group',
    );
    for (let k = 0; k < n; k++) result[from + k] = objectiveOf(context.weights, outputs, k * outputSize);
  }
  return result;
}
