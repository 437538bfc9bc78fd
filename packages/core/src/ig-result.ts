import type { RefinementReport } from './refinement-report.js';
import type { Tensor } from './tensor.js';

/** Convergence of one (example, target): the completeness identity Σ attr ≈ F(x) − F(x'). */
export interface PathReport {
  readonly example: number;
  /** Position of the target within the example's targets. */
  readonly targetSlot: number;
  /** Class index, or null for a weight-vector objective. */
  readonly target: number | null;
  /** F(x): the objective at the input. */
  readonly fInput: number;
  /** F(x'): the objective at the baseline (mean over baselines when averaging). */
  readonly fBaseline: number;
  readonly attributionSum: number;
  /** Σ attr − (F(x) − F(x')), Captum's convergence delta. */
  readonly delta: number;
  /** |delta| / |F(x) − F(x')| (relative to max(|F(x)|, |F(x')|) when the two are equal). */
  readonly relativeError: number;
  /** Path points used per path. */
  readonly steps: number;
  /** With `steps: 'auto'` and the adaptive rule: where and how far each path was refined. */
  readonly refinement?: RefinementReport;
  readonly warning?: string;
}

export interface IntegratedGradientsResult {
  /**
   * One per model input: [N, ...] or, for several targets per example, [N, T, ...]. With
   * `attributionsInto`, each `data` is the supplied array itself.
   */
  readonly attributions: Tensor[];
  /** One per (example, target), example-major. */
  readonly reports: PathReport[];
  readonly targetsPerExample: number;
  readonly method: string;
  readonly backend: string;
  /** Gradient evaluations (path points) spent in total. */
  readonly gradientEvaluations: number;
  /** The reports' warnings, for convenience. */
  readonly warnings: string[];
}
