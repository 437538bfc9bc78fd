import { completenessError } from './completeness.js';
import { completenessWarning, type AutoSettings } from './completeness-warning.js';
import type { IntegratedGradientsResult, PathReport } from './ig-result.js';
import type { PathPlan } from './path-plan.js';
import { addPathAttribution } from './path-attribution.js';
import type { IntegratedPaths } from './path-rules.js';
import { cellRefinements, type RefinementReport } from './refinement-report.js';
import type { resolveTargets } from './targets.js';
import type { Tensor } from './tensor.js';
import type { ModelInputs } from './validate.js';

/**
 * The assemble step of straight-line IG: each path's gradient sums times (x − x'), averaged over
 * baseline samples into each (example, target) cell, and the cell's completeness report.
 */
export function assembleResult(args: {
  paths: readonly PathPlan[];
  gradientSums: readonly Float64Array[][];
  stepsUsed: readonly number[];
  refinements: IntegratedPaths['refinements'];
  model: ModelInputs;
  targets: ReturnType<typeof resolveTargets>;
  /** Caller-supplied attribution arrays, checked; fresh ones are allocated when undefined. */
  into: readonly Float32Array[] | undefined;
  baselineCount: number;
  tolerance: number;
  method: string;
  backend: string;
  evaluations: number;
  /** Set for `steps: 'auto'`: its rule and cap, for the warnings. */
  auto?: AutoSettings;
}): IntegratedGradientsResult {
  const { paths, gradientSums, stepsUsed, model, targets, baselineCount, tolerance } = args;
  const T = targets.perExample;
  const attributions = model.tensors.map((t, i) => {
    const shape = targets.hasTargetAxis ? [model.examples, T, ...(model.pointShapes[i] as number[])] : [...t.shape];
    return { data: args.into?.[i] ?? new Float32Array(model.examples * T * (model.pointSizes[i] as number)), shape };
  });
  const sums = new Float64Array(model.examples * T);
  const fBaselineSums = new Float64Array(model.examples * T);
  const steps = new Int32Array(model.examples * T);
  const fInputs = new Float64Array(model.examples * T);
  paths.forEach((path, p) => {
    const cell = path.example * T + path.slot;
    model.pointSizes.forEach((size, i) => {
      const out = (attributions[i] as Tensor).data.subarray(cell * size, (cell + 1) * size);
      // A supplied array's cell is zeroed by its first path (sample 0 comes first), so it ends up
      // exactly as a fresh zero-filled array would (−0 becomes +0).
      if (path.sample === 0 && args.into !== undefined) out.fill(0);
      const contribution = addPathAttribution(
        out,
        path.input[i] as Float32Array,
        path.baseline[i] as Float32Array,
        gradientSums[p]?.[i] as Float64Array,
        1 / baselineCount,
      );
      sums[cell] = (sums[cell] as number) + contribution / baselineCount;
    });
    fBaselineSums[cell] = (fBaselineSums[cell] as number) + path.fBaseline / baselineCount;
    fInputs[cell] = path.fInput;
    steps[cell] = Math.max(steps[cell] as number, stepsUsed[p] as number);
  });
  const refinements = cellRefinements(args.refinements, paths, T, baselineCount, fInputs, fBaselineSums);
  const reports: PathReport[] = [];
  for (let cell = 0; cell < model.examples * T; cell++) {
    const fInput = fInputs[cell] as number;
    const fBaseline = fBaselineSums[cell] as number;
    const attributionSum = sums[cell] as number;
    const { delta, relativeError } = completenessError(attributionSum, fInput, fBaseline);
    const example = Math.floor(cell / T);
    const base = {
      example,
      targetSlot: cell % T,
      target: targets.labels[cell] ?? null,
      fInput,
      fBaseline,
      attributionSum,
      delta,
      relativeError,
      steps: steps[cell] as number,
      ...(refinements === undefined ? {} : { refinement: refinements[cell] as RefinementReport }),
    };
    if (relativeError <= tolerance) {
      reports.push(base);
      continue;
    }
    const cellPaths = (args.refinements ?? []).filter((_, p) => (paths[p] as PathPlan).example * T + (paths[p] as PathPlan).slot === cell);
    const label = `example ${example}${T > 1 ? ` target ${cell % T}` : ''}`;
    reports.push({
      ...base,
      warning: completenessWarning({
        label,
        relativeError,
        tolerance,
        attributionSum,
        fInput,
        fBaseline,
        steps: base.steps,
        auto: args.auto,
        refinements: cellPaths,
      }),
    });
  }
  return {
    attributions,
    reports,
    targetsPerExample: T,
    method: args.method,
    backend: args.backend,
    gradientEvaluations: args.evaluations,
    warnings: reports.flatMap((r) => (r.warning === undefined ? [] : [r.warning])),
  };
}
