import { accumulateWeighted, fillPathPoints, firstNonFinite } from './path-kernels.js';

/** Where a PathRunner keeps its batch of points and how it runs the two per-point loops. */
export interface PathWorkspace {
  readonly kind: string;
  /** Per model input: the `batchSize × size` point buffer handed to the backend. */
  readonly points: readonly Float32Array[];
  /** Per model input: a `batchSize × size` buffer offered to the backend for its gradients. */
  readonly gradients: readonly Float32Array[];
  /** points[input][(outPoint + j)·size + i] = baseline[i] + alphas[from + j]·(x[i] − baseline[i]). */
  fill(input: number, outPoint: number, x: Float32Array, baseline: Float32Array, alphas: Float64Array, from: number, count: number): void;
  /**
   * sink += Σ_j weights[from + j]·gradients row (gradPoint + j), for model input `input`; true
   * when the sum is no longer finite. The sink's values may stay in the workspace until flush().
   */
  accumulate(input: number, sink: Float64Array, gradients: Float32Array, gradPoint: number, weights: Float64Array, from: number, count: number): boolean;
  /** Writes every sink's values back to its array. */
  flush(): void;
  /** Called once the runner is done with the workspace. */
  release(): void;
}

/** Plain loops over arrays of its own; the sinks are updated in place. */
export class PlainPathWorkspace implements PathWorkspace {
  readonly kind = 'js';
  readonly points: readonly Float32Array[];
  readonly gradients: readonly Float32Array[];
  private readonly differences: Float32Array[];

  constructor(pointSizes: readonly number[], batchSize: number) {
    this.points = pointSizes.map((size) => new Float32Array(batchSize * size));
    this.gradients = pointSizes.map((size) => new Float32Array(batchSize * size));
    this.differences = pointSizes.map((size) => new Float32Array(size));
  }

  fill(input: number, outPoint: number, x: Float32Array, baseline: Float32Array, alphas: Float64Array, from: number, count: number): void {
    // Recomputed on every call: callers may refill the same x and baseline arrays between paths.
    const difference = this.differences[input] as Float32Array;
    for (let i = 0; i < difference.length; i++) difference[i] = (x[i] as number) - (baseline[i] as number);
    fillPathPoints(this.points[input] as Float32Array, outPoint, baseline, difference, alphas, from, count);
  }

  accumulate(_input: number, sink: Float64Array, gradients: Float32Array, gradPoint: number, weights: Float64Array, from: number, count: number): boolean {
    accumulateWeighted(sink, gradients, gradPoint, weights, from, count);
    return firstNonFinite(sink) >= 0;
  }

  flush(): void {}

  release(): void {}
}
