import { HISTOGRAM_BINS, type PathRefinement } from './adaptive-steps.js';

/**
 * How the adaptive rule of `steps: 'auto'` refined one (example, target). Errors are relative,
 * like `relativeError`: divided by |F(x) − F(x')|.
 */
export interface RefinementReport {
  /** Gradient evaluations spent on this (example, target), over all its baselines. */
  readonly evaluations: number;
  /** Refinement rounds of its longest path (each round is one run of backend calls). */
  readonly rounds: number;
  /**
   * Σ over the final pieces of their own |completeness error|: an upper bound of
   * `relativeError` that signed errors of neighbouring pieces cannot cancel.
   */
  readonly errorBound: number;
  /** Path points per tenth of α ∈ [0, 1]: where the evaluations went. */
  readonly pointsPerBin: readonly number[];
  /**
   * Share of the measured error per tenth of α (sums to 1, or all 0 when no error was seen):
   * every piece's error counted when it was split, and the final pieces' — where the path
   * has kinks or bends.
   */
  readonly errorShare: readonly number[];
}

/**
 * One report per (example, target) cell from its paths' refinements (one per baseline sample), or
 * undefined for rules that do not refine adaptively. `fBaselines` holds each cell's mean F(x').
 */
export function cellRefinements(
  refinements: readonly PathRefinement[] | undefined,
  paths: readonly { readonly example: number; readonly slot: number }[],
  targetsPerExample: number,
  baselineCount: number,
  fInputs: Float64Array,
  fBaselines: Float64Array,
): RefinementReport[] | undefined {
  if (refinements === undefined) return undefined;
  const merged = Array.from({ length: fInputs.length }, () => ({ evaluations: 0, rounds: 0, bound: 0, points: new Array<number>(HISTOGRAM_BINS).fill(0), error: new Array<number>(HISTOGRAM_BINS).fill(0) }));
  refinements.forEach((r, p) => {
    const path = paths[p];
    const cell = path === undefined ? undefined : merged[path.example * targetsPerExample + path.slot];
    if (cell === undefined) return;
    cell.evaluations += r.evaluations;
    cell.rounds = Math.max(cell.rounds, r.rounds);
    // The attributions average the baseline samples, so their errors average too.
    cell.bound += r.errorBound / baselineCount;
    r.pointsPerBin.forEach((n, k) => (cell.points[k] = (cell.points[k] as number) + n));
    r.errorPerBin.forEach((e, k) => (cell.error[k] = (cell.error[k] as number) + e));
  });
  return merged.map((cell, c) => {
    const total = cell.error.reduce((a, b) => a + b, 0);
    const fInput = fInputs[c] as number;
    const fBaseline = fBaselines[c] as number;
    // The denominator of relativeError (see completenessError).
    const scale = fInput !== fBaseline ? Math.abs(fInput - fBaseline) : Math.max(Math.abs(fInput), Math.abs(fBaseline));
    return {
      evaluations: cell.evaluations,
      rounds: cell.rounds,
      errorBound: cell.bound === 0 ? 0 : scale > 0 ? cell.bound / scale : Number.POSITIVE_INFINITY,
      pointsPerBin: cell.points,
      errorShare: cell.error.map((e) => (total > 0 ? e / total : 0)),
    };
  });
}
