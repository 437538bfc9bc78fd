import { completenessError } from './completeness.js';
import type { PathPlan } from './path-plan.js';
import type { PathRunner, PathSegment } from './path-runner.js';

/** Romberg columns beyond the trapezoid rule (column m cancels the h^(2m) error term). */
const MAX_EXTRAPOLATION_ORDER = 3;
const FIRST_LEVEL = 2;

interface PathState {
  level: number;
  readonly ends: Float64Array[];
  readonly interior: Float64Array[];
  previousRow: Float64Array[][] | null;
  estimate: Float64Array[];
  active: boolean;
}

export interface RefineOptions {
  readonly tolerance: number;
  readonly maxSteps: number;
  readonly pointSizes: readonly number[];
  readonly onPlan: (points: number) => void;
}

function range(from: number, count: number, step: number, scale: number): Float64Array {
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = (from + k * step) * scale;
  return out;
}

/**
 * Adaptive steps on nested grids: level ℓ evaluates the 2^ℓ + 1 points j/2^ℓ, of which only the
 * 2^(ℓ−1) odd ones are new, so every gradient is computed once. Each level's trapezoid sum is
 * extrapolated (Romberg) and a path stops once its relative completeness error is within
 * tolerance, or when the next level would exceed maxSteps.
 */
export async function refineUntilComplete(
  runner: PathRunner,
  paths: readonly PathPlan[],
  options: RefineOptions,
): Promise<{ gradientSums: Float64Array[][]; steps: number[] }> {
  const { pointSizes, tolerance, maxSteps } = options;
  const firstLevel = Math.min(FIRST_LEVEL, Math.floor(Math.log2(maxSteps - 1)));
  const states: PathState[] = paths.map(() => ({
    level: firstLevel,
    ends: pointSizes.map((s) => new Float64Array(s)),
    interior: pointSizes.map((s) => new Float64Array(s)),
    previousRow: null,
    estimate: [],
    active: true,
  }));

  const intervals = 2 ** firstLevel;
  const firstSegments: PathSegment[] = paths.flatMap((path, p) => {
    const state = states[p] as PathState;
    return [
      { ...path, alphas: Float64Array.of(0, 1), weights: Float64Array.of(1, 1), sinks: state.ends },
      { ...path, alphas: range(1, intervals - 1, 1, 1 / intervals), weights: new Float64Array(intervals - 1).fill(1), sinks: state.interior },
    ];
  });
  options.onPlan(paths.length * (intervals + 1));
  await runner.run(firstSegments);
  paths.forEach((path, p) => update(states[p] as PathState, path, firstLevel, tolerance, maxSteps));

  for (;;) {
    const segments: PathSegment[] = [];
    paths.forEach((path, p) => {
      const state = states[p] as PathState;
      if (!state.active) return;
      state.level += 1;
      const fresh = 2 ** (state.level - 1);
      segments.push({
        ...path,
        alphas: range(1, fresh, 2, 1 / 2 ** state.level),
        weights: new Float64Array(fresh).fill(1),
        sinks: state.interior,
      });
    });
    if (segments.length === 0) break;
    options.onPlan(segments.reduce((n, s) => n + s.alphas.length, 0));
    await runner.run(segments);
    paths.forEach((path, p) => {
      const state = states[p] as PathState;
      if (state.active) update(state, path, firstLevel, tolerance, maxSteps);
    });
  }
  return { gradientSums: states.map((s) => s.estimate), steps: states.map((s) => 2 ** s.level + 1) };
}

function update(state: PathState, path: PathPlan, firstLevel: number, tolerance: number, maxSteps: number): void {
  const h = 1 / 2 ** state.level;
  const order = Math.min(state.level - firstLevel, MAX_EXTRAPOLATION_ORDER);
  const row: Float64Array[][] = [];
  const trapezoid = state.interior.map((interior, i) => {
    const ends = state.ends[i] as Float64Array;
    const t = new Float64Array(interior.length);
    for (let f = 0; f < t.length; f++) t[f] = h * ((interior[f] as number) + 0.5 * (ends[f] as number));
    return t;
  });
  row.push(trapezoid);
  for (let m = 1; m <= order; m++) {
    const factor = 1 / (4 ** m - 1);
    const finer = row[m - 1] as Float64Array[];
    const coarser = state.previousRow?.[m - 1] as Float64Array[];
    row.push(
      finer.map((values, i) => {
        const c = coarser[i] as Float64Array;
        const out = new Float64Array(values.length);
        for (let f = 0; f < out.length; f++) out[f] = (values[f] as number) + ((values[f] as number) - (c[f] as number)) * factor;
        return out;
      }),
    );
  }
  state.previousRow = row;
  state.estimate = row[row.length - 1] as Float64Array[];
  let attributionSum = 0;
  state.estimate.forEach((g, i) => {
    const x = path.input[i] as Float32Array;
    const b = path.baseline[i] as Float32Array;
    for (let f = 0; f < g.length; f++) attributionSum += ((x[f] as number) - (b[f] as number)) * (g[f] as number);
  });
  const { relativeError } = completenessError(attributionSum, path.fInput, path.fBaseline);
  if (relativeError <= tolerance || 2 ** (state.level + 1) + 1 > maxSteps) state.active = false;
}
