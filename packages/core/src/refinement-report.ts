import { HISTOGRAM_BINS, type PathRefinement } from './adaptive-steps.js';
import { completenessScale } from './completeness.js';

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
  /**
   * Σⱼ |attrⱼ − exactⱼ| / |F(x) − F(x')| is at most this wherever each feature's share of the
   * integrand, ∂ⱼF·(xⱼ − x'ⱼ), is monotone within each final piece — true of a ReLU network once
   * no piece holds two of its kinks. Completeness alone cannot see errors of features that cancel
   * in the sum; this bound does. Null when the path stopped at its first point (α = ½).
   */
  readonly attributionErrorBound: number | null;
  /** Path points per tenth of α ∈ [0, 1]: where the evaluations went. */
  readonly pointsPerBin: readonly number[];
  /**
   * Share of the final pieces' measured |error| per tenth of α (sums to 1, or all 0 when none is
   * left), each piece's spread over the tenths it covers: where the error that remains sits. On a
   * staircase, the pieces' share of `integrandErrorBound` instead (F's own steps stay wherever they are).
   */
  readonly errorShare: readonly number[];
  /**
   * Where F jumps along the path (a step, rounding or quantization in the model): each α
   * interval, narrower than 2⁻¹², across which F changes by more than its gradient integrates to,
   * and that part of the completeness error, relative like it. No number of steps lowers it. One
   * list over all baseline samples, in α order.
   */
  readonly jumps: readonly { readonly from: number; readonly to: number; readonly error: number }[];
  /**
   * True when F is a staircase: the backend's gradients are straight-through estimates (a quantized
   * model), or F jumped at 8 places. F's change then no longer measures the quadrature's error, and
   * the path was refined until `integrandErrorBound`, not the completeness error, was within
   * tolerance; the completeness error left is F's own steps.
   */
  readonly staircase: boolean;
  /**
   * A bound of |Σattr − ∫ ∇F·(x − x′) dα|, the quadrature's error against the exact integral of the
   * gradient, wherever the completeness integrand is monotone within each final piece. Free of F.
   */
  readonly integrandErrorBound: number;
}

const relative = (value: number, scale: number): number => (value === 0 ? 0 : scale > 0 ? value / scale : Number.POSITIVE_INFINITY);

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
  const merged = Array.from({ length: fInputs.length }, () => ({
    evaluations: 0,
    rounds: 0,
    bound: 0,
    attributionBound: 0 as number | null,
    points: new Array<number>(HISTOGRAM_BINS).fill(0),
    error: new Array<number>(HISTOGRAM_BINS).fill(0),
    jumps: [] as { from: number; to: number; error: number }[],
    integrandBound: 0,
    staircase: false,
  }));
  refinements.forEach((r, p) => {
    const path = paths[p];
    const cell = path === undefined ? undefined : merged[path.example * targetsPerExample + path.slot];
    if (cell === undefined) return;
    cell.evaluations += r.evaluations;
    cell.rounds = Math.max(cell.rounds, r.rounds);
    // The attributions average the baseline samples, so their errors average too.
    cell.bound += r.errorBound / baselineCount;
    cell.attributionBound =
      cell.attributionBound === null || r.attributionErrorBound === null ? null : cell.attributionBound + r.attributionErrorBound / baselineCount;
    r.pointsPerBin.forEach((n, k) => (cell.points[k] = (cell.points[k] as number) + n));
    r.errorPerBin.forEach((e, k) => (cell.error[k] = (cell.error[k] as number) + e));
    for (const jump of r.jumps) cell.jumps.push({ ...jump, error: jump.error / baselineCount });
    cell.staircase ||= r.staircase;
    cell.integrandBound += r.integrandErrorBound / baselineCount;
  });
  return merged.map((cell, c) => {
    const total = cell.error.reduce((a, b) => a + b, 0);
    const fInput = fInputs[c] as number;
    const fBaseline = fBaselines[c] as number;
    const scale = completenessScale(fInput, fBaseline);
    return {
      evaluations: cell.evaluations,
      rounds: cell.rounds,
      errorBound: relative(cell.bound, scale),
      attributionErrorBound: cell.attributionBound === null ? null : relative(cell.attributionBound, scale),
      pointsPerBin: cell.points,
      errorShare: cell.error.map((e) => (total > 0 ? e / total : 0)),
      jumps: cell.jumps.sort((a, b) => a.from - b.from).map((j) => ({ ...j, error: relative(j.error, scale) })),
      staircase: cell.staircase,
      integrandErrorBound: relative(cell.integrandBound, scale),
    };
  });
}
