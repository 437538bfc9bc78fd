import type { Inputs } from './inputs.js';
import type { AbortSignalLike } from './abort.js';
import { throwIfAborted } from './abort.js';
import { checkAttributionBuffers, checkNotAliased } from './attribution-buffers.js';
import type { GradientBackend } from './backend.js';
import { resolveBaselinesInto, type BaselineSpec } from './baselines.js';
import { resolveBatchSize } from './batching.js';
import { checkUnusedOptions } from './unused-options.js';
import type { IntegratedGradientsResult } from './ig-result.js';
import type { PathPlan } from './path-plan.js';
import { PathRunner } from './path-runner.js';
import { consecutiveExamples } from './example-indices.js';
import { predictAtInput, predictPoints } from './predict.js';
import { autoAdvice } from './completeness-warning.js';
import { FIXED_ADVICE, withProbedHints } from './profile-probe.js';
import { checkCustomRule, sharedQuadrature, type QuadratureMethod, type QuadratureRule } from './quadrature.js';
import { assembleResult } from './straight-assemble.js';
import { checkAutoRule, checkStepsAndMethod, integratePaths, type AutoRule, type IntegratedPaths } from './path-rules.js';
import { Scratch } from './scratch.js';
import { resolveTargets, targetsPerExample, type TargetSpec } from './targets.js';
import { checkFlag, checkPositiveInteger, checkPositiveNumber, checkStepsLimit, DEFAULT_STEPS_LIMIT, normalizeInputs, type ModelInputs } from './validate.js';

export interface IntegratedGradientsOptions {
  /** Default 0 for every input. See BaselineSpec. */
  readonly baselines?: BaselineSpec;
  /** Required unless the model has a single output. See TargetSpec. */
  readonly target?: TargetSpec;
  /** Quadrature rule; default `gauss-legendre`. A custom rule gives its own alphas and weights. */
  readonly method?: QuadratureMethod | { readonly alphas: ArrayLike<number>; readonly weights: ArrayLike<number> };
  /**
   * Path points per path (default 50), or `'auto'`: points added where the path needs them
   * (see `autoRule`) until the relative completeness error is within `tolerance` or `maxSteps`
   * is reached, every gradient computed once.
   */
  readonly steps?: number | 'auto';
  /**
   * How `steps: 'auto'` refines: `'adaptive'` (default) bisects the pieces of each path whose
   * measured completeness error is largest; `'nested'` doubles the whole grid (2^k + 1 points,
   * Romberg extrapolation).
   */
  readonly autoRule?: AutoRule;
  /**
   * With `steps: 'auto'` and the adaptive rule: where the midpoint alone meets the tolerance, spend
   * one more gradient, at α = 1, and stop only if it agrees with the midpoint's per feature (half
   * of Σⱼ |Gⱼ(1) − Gⱼ(½)| within the tolerance); otherwise refine on. Default false: completeness,
   * a sum, is the stop at every number of points, and one point shows nothing per feature (on
   * F = x₀³ − x₁³ the midpoint is exact in sum and 25% off each feature).
   */
  readonly checkMidpoint?: boolean;
  /** Relative completeness error allowed (default 0.01); beyond it a report carries a warning. */
  readonly tolerance?: number;
  /** Upper bound on points per path for `steps: 'auto'` (default 1025). */
  readonly maxSteps?: number;
  /** Most points per path accepted, for `steps`, `maxSteps` and a custom rule (default 10 000). */
  readonly stepsLimit?: number;
  /** Path points per backend call. */
  readonly batchSize?: number;
  /**
   * Memory for one batch of points and gradients, from which `batchSize` is derived (default 8 MiB).
   * Given explicitly, it is a limit: a `batchSize`, or a single point, that needs more is refused.
   */
  readonly memoryBudgetBytes?: number;
  /**
   * Stops the run with an AbortedError. The core lets the event loop turn between backend calls
   * (every few ms), so a timer can fire the signal even with a synchronous backend. An abort also
   * ends the wait for a backend call in progress (with a signal that has `addEventListener`, as
   * every real AbortSignal does): that call is abandoned, not cancelled, and the backend must not
   * be used again until it settles; dispose it if it may never settle.
   */
  readonly signal?: AbortSignalLike;
  /**
   * Called after each backend call with the path points done and the total, which is fixed for
   * the call: the points of every path, or with `steps: 'auto'` the cap (paths × maxSteps), which
   * a run that converges sooner ends below.
   */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Arrays the attributions are written into, one per model input, each exactly as long as that
   * input's attributions: the input's data length, times the targets per example when there are
   * several. The result's `attributions[i].data` is then `attributionsInto[i]` itself, so
   * repeated calls (the frames of a video, a loop over a dataset) reuse their memory instead of
   * allocating it. Every value is overwritten; earlier contents do not matter. The arrays must not
   * share memory with one another, with an input's data or with a baseline, and must not be read
   * or written elsewhere until the call settles. If the call rejects, their contents are unspecified.
   */
  readonly attributionsInto?: readonly Float32Array[];
}

export type { IntegratedGradientsResult, PathReport } from './ig-result.js';

const DEFAULT_STEPS = 50;
const DEFAULT_TOLERANCE = 0.01;
const DEFAULT_MAX_AUTO_STEPS = 1025;

function dot(a: Float32Array, b: Float32Array, bOffset: number): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += (a[j] as number) * (b[bOffset + j] as number);
  return sum;
}

function resolveRule(method: IntegratedGradientsOptions['method'], steps: number): { rule: QuadratureRule; name: string } {
  if (method !== undefined && typeof method === 'object') return { rule: checkCustomRule(method), name: 'custom' };
  const name = method ?? 'gauss-legendre';
  return { rule: sharedQuadrature(name, steps), name };
}

/**
 * Integrated Gradients of `backend`'s model at `inputs` (batch in dimension 0):
 * attrᵢ = (xᵢ − x'ᵢ)·∫₀¹ ∂F(x' + α(x − x'))/∂xᵢ dα, by quadrature along the straight path.
 */
export async function integratedGradients(
  backend: GradientBackend,
  inputs: Inputs,
  options: IntegratedGradientsOptions = {},
): Promise<IntegratedGradientsResult> {
  const model = normalizeInputs(inputs);
  const auto = options.steps === 'auto';
  checkStepsAndMethod(options.steps, options.method);
  checkUnusedOptions(options);
  const autoRule = checkAutoRule(options.autoRule);
  const checkMidpoint = checkFlag(options.checkMidpoint, 'checkMidpoint');
  const steps = auto ? 0 : checkPositiveInteger(options.steps ?? DEFAULT_STEPS, 'steps');
  const tolerance = checkPositiveNumber(options.tolerance ?? DEFAULT_TOLERANCE, 'tolerance');
  const maxSteps = checkPositiveInteger(options.maxSteps ?? DEFAULT_MAX_AUTO_STEPS, 'maxSteps', 3);
  const stepsLimit = checkPositiveInteger(options.stepsLimit ?? DEFAULT_STEPS_LIMIT, 'stepsLimit');
  // A custom rule (or a null method) is checked before its length is read, so that a malformed one is named as such.
  const custom = !auto && typeof options.method === 'object' ? checkCustomRule(options.method) : null;
  checkStepsLimit(
    auto ? maxSteps : custom !== null ? custom.alphas.length : steps,
    stepsLimit,
    auto ? 'maxSteps' : custom !== null ? "the custom rule's point count" : 'steps',
  );
  const fixed = auto ? null : custom !== null ? { rule: custom, name: 'custom' } : resolveRule(options.method, steps);
  const batchSize = resolveBatchSize(
    model.pointSizes.reduce((a, b) => a + b, 0),
    options.batchSize,
    options.memoryBudgetBytes,
  );
  const into = options.attributionsInto === undefined ? undefined : checkAttributionBuffers(options.attributionsInto, model, targetsPerExample(options.target));
  throwIfAborted(options.signal);

  const scratch = new Scratch();
  try {
    return await integrateWith(backend, model, options, { tolerance, maxSteps, fixed, autoRule, checkMidpoint, batchSize, scratch, into });
  } finally {
    scratch.release();
  }
}

async function integrateWith(
  backend: GradientBackend,
  model: ModelInputs,
  options: IntegratedGradientsOptions,
  settings: {
    tolerance: number;
    maxSteps: number;
    fixed: { rule: QuadratureRule; name: string } | null;
    autoRule: AutoRule;
    checkMidpoint: boolean;
    batchSize: number;
    scratch: Scratch;
    into: readonly Float32Array[] | undefined;
  },
): Promise<IntegratedGradientsResult> {
  const { examples, pointShapes, pointSizes, tensors } = model;
  const { tolerance, maxSteps, fixed, autoRule, checkMidpoint, batchSize, scratch, into } = settings;
  const signal = options.signal;
  // Baselines live only for this call, in arrays reused across calls.
  const baselineSamples = resolveBaselinesInto(
    options.baselines,
    tensors,
    (length) => scratch.float32(length),
    into === undefined ? undefined : (data, input, label) => checkNotAliased(into, data, `the ${label} for input ${input}`),
  );
  const atInput = await predictAtInput(backend, model, batchSize, signal);
  const outputSize = atInput.outputSize;
  const targets = resolveTargets(options.target, examples, outputSize, atInput.outputs);
  // The arrays were checked against targetsPerExample, which agrees with every spec resolveTargets
  // accepts; checked again on a mismatch, as values past a short array would be dropped silently.
  if (into !== undefined && targets.perExample !== targetsPerExample(options.target)) checkAttributionBuffers(into, model, targets.perExample);
  const atBaselines: Float32Array[] = [];
  for (const [s, sample] of baselineSamples.entries()) {
    const label = baselineSamples.length > 1 ? `baseline sample ${s}` : 'the baseline';
    atBaselines.push((await predictPoints(backend, sample, pointShapes, pointSizes, consecutiveExamples(examples), batchSize, signal, label)).outputs);
  }

  const T = targets.perExample;
  const paths: PathPlan[] = [];
  for (let example = 0; example < examples; example++) {
    const input = tensors.map((t, i) => t.data.subarray(example * (pointSizes[i] as number), (example + 1) * (pointSizes[i] as number)));
    for (let slot = 0; slot < T; slot++) {
      const objective = targets.weights.subarray((example * T + slot) * outputSize, (example * T + slot + 1) * outputSize);
      const fInput = dot(objective, atInput.outputs, example * outputSize);
      baselineSamples.forEach((sample, s) => {
        const fBaseline = dot(objective, atBaselines[s] as Float32Array, example * outputSize);
        const baseline = sample.map((b, i) => b.subarray(example * (pointSizes[i] as number), (example + 1) * (pointSizes[i] as number)));
        paths.push({ example, slot, sample: s, input, baseline, objective, fInput, fBaseline });
      });
    }
  }

  let done = 0;
  // A fixed total: with steps 'auto' the cap, which a run that converges sooner does not reach.
  const pointsPerPath = fixed !== null ? fixed.rule.alphas.length : autoRule === 'nested' ? 2 ** Math.floor(Math.log2(maxSteps - 1)) + 1 : maxSteps;
  const planned = paths.length * pointsPerPath;
  const runner = new PathRunner({
    backend,
    pointShapes,
    pointSizes,
    outputSize,
    batchSize,
    signal,
    onPoints: (count) => {
      done += count;
      options.onProgress?.(done, Math.max(planned, done));
    },
  });

  let integrated: IntegratedPaths;
  try {
    const rule =
      fixed === null
        ? { auto: autoRule, tolerance, maxSteps, checkMidpoint, onPlan: () => undefined, straightThrough: backend.straightThroughGradients === true }
        : { fixed: fixed.rule };
    integrated = await integratePaths(runner, paths, rule, pointSizes, scratch);
  } finally {
    runner.release();
  }
  const { gradientSums, steps: stepsUsed, refinements } = integrated;

  const result = assembleResult({
    paths,
    gradientSums,
    stepsUsed,
    refinements,
    model,
    targets,
    into,
    baselineCount: baselineSamples.length,
    tolerance,
    method: fixed?.name ?? 'auto',
    backend: backend.name,
    evaluations: done,
    ...(fixed === null ? { auto: { rule: autoRule, maxSteps, straightThrough: backend.straightThroughGradients === true } } : {}),
  });
  if (fixed === null && autoRule === 'adaptive') return result; // its warnings read F from its own evaluations
  return withProbedHints(result, paths, backend, pointShapes, batchSize, signal, fixed === null ? autoAdvice(maxSteps) : FIXED_ADVICE);
}
