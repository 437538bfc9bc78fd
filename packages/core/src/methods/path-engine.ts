import type { Inputs } from '../inputs.js';
import { throwIfAborted, type AbortSignalLike } from '../abort.js';
import type { GradientBackend } from '../backend.js';
import { resolveBatchSize } from '../batching.js';
import { completenessError } from '../completeness.js';
import { BackendContractError } from '../errors.js';
import { abortable, yieldToEventLoop } from '../event-loop.js';
import type { PathReport } from '../integrate.js';
import { pointsOfExample } from '../example-indices.js';
import { predictAtInput, predictPoints } from '../predict.js';
import { resolveTargets, type TargetSpec } from '../targets.js';
import type { Tensor } from '../tensor.js';
import { checkPositiveNumber, normalizeInputs, type ModelInputs } from '../validate.js';
import { resolveObjective, softmaxTwiceWarning, type Objective, type ObjectiveName } from './objective.js';
import type { GradientPath, PathFactory } from './path.js';
import { addProduct, checkGradients } from './path-gradients.js';

/** Options every path method shares. */
export interface PathMethodOptions {
  /** Required unless the model has a single output. See TargetSpec. */
  readonly target?: TargetSpec;
  /** What is differentiated, from the target's outputs; default 'logit' (the linear read-out). */
  readonly objective?: ObjectiveName | Objective;
  /** Relative completeness error allowed (default 0.01) before a report carries a warning. */
  readonly tolerance?: number;
  /** Path points per backend call (default: from memoryBudgetBytes, as integratedGradients). */
  readonly batchSize?: number;
  readonly memoryBudgetBytes?: number;
  /** Stops the run with an AbortedError between backend calls (see integratedGradients). */
  readonly signal?: AbortSignalLike;
  /** Called after each backend call with points done so far and the points known so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface AttributionResult {
  /** One per model input: [N, ...] or, for several targets per example, [N, T, ...]. */
  readonly attributions: Tensor[];
  /** Completeness per (example, target), for path methods; empty for saliency-like methods. */
  readonly reports: PathReport[];
  readonly targetsPerExample: number;
  readonly method: string;
  readonly backend: string;
  readonly gradientEvaluations: number;
  readonly warnings: string[];
}

interface Run {
  readonly backend: GradientBackend;
  readonly model: ModelInputs;
  readonly objective: Objective;
  readonly outputSize: number;
  readonly batchSize: number;
  readonly options: PathMethodOptions;
  evaluations: number;
}

const rows = (data: readonly Float32Array[], sizes: readonly number[], k: number): Float32Array[] =>
  data.map((d, i) => d.subarray(k * (sizes[i] as number), (k + 1) * (sizes[i] as number)));

/**
 * Runs a path method: for every example and target, builds its path, takes gradients of the
 * objective at the path's points in batches and sums ∇F ⊙ displacement (plan → run → assemble).
 * Completeness is reported against F(x) − mean F(start) whenever the path has starts.
 */
export async function runPathMethod(
  method: string,
  backend: GradientBackend,
  inputs: Inputs,
  factory: PathFactory,
  options: PathMethodOptions,
): Promise<AttributionResult> {
  const model = normalizeInputs(inputs);
  const objective = resolveObjective(options.objective);
  const batchSize = resolveBatchSize(
    model.pointSizes.reduce((a, b) => a + b, 0),
    options.batchSize,
    options.memoryBudgetBytes,
  );
  const tolerance = checkPositiveNumber(options.tolerance ?? 0.01, 'tolerance');
  throwIfAborted(options.signal);
  const { tensors, examples, pointShapes, pointSizes } = model;
  const atInput = await predictAtInput(backend, model, batchSize, options.signal);
  const { outputSize } = atInput;
  const softmaxTwice = softmaxTwiceWarning(objective, atInput.outputs, examples, outputSize);
  const targets = resolveTargets(options.target, examples, outputSize, atInput.outputs);
  const T = targets.perExample;
  const run: Run = { backend, model, objective, outputSize, batchSize, options, evaluations: 0 };
  const attributions = tensors.map((t, i) => ({
    data: new Float32Array(examples * T * (pointSizes[i] as number)),
    shape: targets.hasTargetAxis ? [examples, T, ...(pointShapes[i] as number[])] : [...t.shape],
  }));
  const reports: PathReport[] = [];
  for (let example = 0; example < examples; example++) {
    const input = rows(
      tensors.map((t) => t.data),
      pointSizes,
      example,
    );
    const outputs = atInput.outputs.subarray(example * outputSize, (example + 1) * outputSize);
    for (let slot = 0; slot < T; slot++) {
      const cell = example * T + slot;
      const target = targets.weights.subarray(cell * outputSize, (cell + 1) * outputSize);
      const path = factory({ example, input, pointShapes });
      const sums = pointSizes.map((size) => new Float64Array(size));
      const steps = await runPath(run, path, target, sums, example);
      let attributionSum = 0;
      sums.forEach((sum, i) => {
        const out = (attributions[i] as Tensor).data.subarray(cell * sum.length, (cell + 1) * sum.length);
        for (let k = 0; k < sum.length; k++) attributionSum += out[k] = sum[k] as number;
      });
      if (path.starts.length === 0) continue;
      const fInput = objective.value(outputs, target);
      let fBaseline = 0;
      const known = new Map<Float32Array, number>();
      for (const start of path.starts) {
        let value = known.get(start[0] as Float32Array);
        if (value === undefined) {
          const at = await predictPoints(backend, start, pointShapes, pointSizes, pointsOfExample(1, example), 1, options.signal, 'the path start');
          value = objective.value(at.outputs, target);
          known.set(start[0] as Float32Array, value);
        }
        fBaseline += value / path.starts.length;
      }
      const { delta, relativeError } = completenessError(attributionSum, fInput, fBaseline);
      const report: PathReport = {
        example,
        targetSlot: slot,
        target: targets.labels[cell] ?? null,
        fInput,
        fBaseline,
        attributionSum,
        delta,
        relativeError,
        steps,
      };
      reports.push(
        relativeError > tolerance
          ? {
              ...report,
              warning: `example ${example}${T > 1 ? ` target ${slot}` : ''}: ${method} completeness error ${(relativeError * 100).toPrecision(3)}% exceeds the tolerance ${(tolerance * 100).toPrecision(3)}% (Σattr = ${attributionSum.toPrecision(6)}, F(x) − F(start) = ${(fInput - fBaseline).toPrecision(6)}); ${adviceFor(method)}`,
            }
          : report,
      );
    }
  }
  return {
    attributions,
    reports,
    targetsPerExample: T,
    method,
    backend: backend.name,
    gradientEvaluations: run.evaluations,
    warnings: [...(softmaxTwice === undefined ? [] : [softmaxTwice]), ...reports.flatMap((r) => (r.warning === undefined ? [] : [r.warning]))],
  };
}

/** Evaluates one path in batches; adds Σ gradient ⊙ displacement into `sums`; returns its point count. */
async function runPath(run: Run, path: GradientPath, target: Float32Array, sums: readonly Float64Array[], example: number): Promise<number> {
  const { backend, model, objective, outputSize, options } = run;
  const { pointShapes, pointSizes } = model;
  const batchSize = Math.max(1, Math.min(run.batchSize, path.lookahead));
  const points = pointSizes.map((size) => new Float32Array(batchSize * size));
  const slots = Array.from({ length: batchSize }, (_, k) => rows(points, pointSizes, k));
  const weights = new Float32Array(batchSize * outputSize);
  const exampleIndices = pointsOfExample(batchSize, example);
  const displacement = pointSizes.map((size) => new Float32Array(size));
  let steps = 0;
  for (;;) {
    let count = 0;
    while (count < batchSize && path.next(slots[count] as Float32Array[])) count++;
    if (count === 0) return steps;
    await yieldToEventLoop(options.signal);
    const batch = points.map((p, i) => p.subarray(0, count * (pointSizes[i] as number)));
    if (objective.linear) {
      for (let k = 0; k < count; k++) weights.set(target, k * outputSize);
    } else {
      const at = await predictPoints(
        backend,
        batch,
        pointShapes,
        pointSizes,
        exampleIndices.subarray(0, count),
        count,
        options.signal,
        `a path point of example ${example}`,
      );
      if (at.outputSize !== outputSize)
        throw new BackendContractError(`${backend.name}: predict returned ${at.outputSize} outputs per point, earlier ${outputSize}`);
      for (let k = 0; k < count; k++)
        objective.outputWeights(at.outputs.subarray(k * outputSize, (k + 1) * outputSize), target, weights.subarray(k * outputSize, (k + 1) * outputSize));
    }
    const response = await abortable(
      backend.gradients({
        points: batch,
        pointShapes,
        count,
        outputWeights: weights.subarray(0, count * outputSize),
        exampleIndices: exampleIndices.subarray(0, count),
      }),
      options.signal,
    );
    throwIfAborted(options.signal);
    checkGradients(backend.name, response, pointSizes, count, example, steps);
    for (let k = 0; k < count; k++) {
      const gradients = rows(response.gradients, pointSizes, k);
      path.displacement(gradients, displacement);
      for (let i = 0; i < sums.length; i++) addProduct(sums[i] as Float64Array, gradients[i] as Float32Array, displacement[i] as Float32Array);
    }
    steps += count;
    run.evaluations += count;
    options.onProgress?.(run.evaluations, run.evaluations);
  }
}

/**
 * What to do about a completeness error above the tolerance. Guided IG moves the features whose
 * gradient is smallest where it stands, so on a ReLU network its path can run along a ReLU
 * boundary, each move priced at the gradient before the crossing: there its error levels off
 * instead of shrinking with steps (PAIR saliency's implementation does the same).
 */
function adviceFor(method: string): string {
  if (method === 'expected-gradients') return 'use more samples';
  if (method === 'guided-ig') {
    return 'use more steps; on a ReLU network the error may level off instead (the guided path can run along a ReLU boundary), and maxDist 0 gives IG on the straight line';
  }
  return 'use more steps';
}
