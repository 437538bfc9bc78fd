import type { AbortSignalLike } from './abort.js';
import type { GradientBackend } from './backend.js';
import { changeInterval, convergenceHint } from './convergence-hint.js';
import type { IntegratedGradientsResult, PathReport } from './ig-result.js';
import type { PathPlan } from './path-plan.js';
import { pointsOfExample } from './example-indices.js';
import { predictPoints } from './predict.js';

/** Evenly spaced pieces of the path at which F is probed for a fixed rule's failed path. */
export const PROBE_PIECES = 16;
export const FIXED_ADVICE = "use more steps or steps: 'auto'";

/** F along one path at α = k / PROBE_PIECES, by forward passes only (the ends are known). */
async function probe(
  backend: GradientBackend,
  path: PathPlan,
  pointShapes: readonly (readonly number[])[],
  batchSize: number,
  signal: AbortSignalLike | undefined,
): Promise<Float64Array> {
  const count = PROBE_PIECES - 1;
  const points = path.input.map((x, i) => {
    const b = path.baseline[i] as Float32Array;
    const out = new Float32Array(count * x.length);
    for (let k = 0; k < count; k++) {
      const alpha = (k + 1) / PROBE_PIECES;
      for (let j = 0; j < x.length; j++) out[k * x.length + j] = (b[j] as number) + alpha * ((x[j] as number) - (b[j] as number));
    }
    return out;
  });
  const { outputs, outputSize } = await predictPoints(
    backend,
    points,
    pointShapes,
    path.input.map((x) => x.length),
    pointsOfExample(count, path.example),
    batchSize,
    signal,
    'a probe point of the path',
  );
  const values = new Float64Array(PROBE_PIECES + 1);
  values[0] = path.fBaseline;
  values[PROBE_PIECES] = path.fInput;
  for (let k = 0; k < count; k++) {
    let f = 0;
    for (let j = 0; j < outputSize; j++) f += (path.objective[j] as number) * (outputs[k * outputSize + j] as number);
    values[k + 1] = f;
  }
  return values;
}

/**
 * Completeness warnings that end in `advice` (a fixed rule's, or the nested auto rule's at its
 * cap) with the advice of `convergenceHint` instead: for each failed (example, target), F is
 * probed along its first path by PROBE_PIECES − 1 forward passes, which a run within tolerance
 * never spends.
 */
export async function withProbedHints(
  result: IntegratedGradientsResult,
  paths: readonly PathPlan[],
  backend: GradientBackend,
  pointShapes: readonly (readonly number[])[],
  batchSize: number,
  signal: AbortSignalLike | undefined,
  advice: string,
): Promise<IntegratedGradientsResult> {
  if (result.warnings.length === 0) return result;
  const alphas = Float64Array.from({ length: PROBE_PIECES + 1 }, (_, k) => k / PROBE_PIECES);
  const reports: PathReport[] = [];
  for (const report of result.reports) {
    const path = paths.find((p) => p.example === report.example && p.slot === report.targetSlot && p.sample === 0);
    if (report.warning === undefined || path === undefined || !report.warning.endsWith(advice)) {
      reports.push(report);
      continue;
    }
    const values = await probe(backend, path, pointShapes, batchSize, signal);
    const hint = convergenceHint(changeInterval({ alphas, values }), advice);
    reports.push({ ...report, warning: `${report.warning.slice(0, -advice.length)}${hint}` });
  }
  return { ...result, reports, warnings: reports.flatMap((r) => (r.warning === undefined ? [] : [r.warning])) };
}
