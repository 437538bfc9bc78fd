/**
 * The one contract between the core and an engine that can differentiate a model.
 *
 * Shapes: a model input of shape [N, ...rest] is handed over as path points of shape
 * `pointShape = rest`; a batch of `count` points is `count × size(rest)` floats, point k at
 * offset k·size(rest). The model's output for one point is flattened to `outputSize` floats.
 *
 * Example: a model with inputs `a: [N, 3]` and `b: [N, 2, 2]` gets, for a batch of 5 points,
 * `points = [a (15 floats), b (20 floats)]`, `pointShapes = [[3], [2, 2]]`, `count = 5`; point k
 * of `a` is `points[0].subarray(3k, 3k + 3)`. A backend feeds each array to its input as a
 * tensor of shape `[count, ...pointShapes[i]]`, and returns outputs and gradients in the same
 * point-major order. Every call is independent: the core may call with any `count` (its batch
 * size or less) and any points.
 */

/**
 * A batch of points, one Float32Array per model input. The arrays are the core's memory, valid
 * only until the call's promise settles: read them (or copy them into a tensor), never keep them.
 */
export interface PointBatch {
  /** Per model input, in the model's input order: `count × size(pointShapes[i])` values, point-major. */
  readonly points: readonly Float32Array[];
  /** Per model input: the shape of one point (the input's shape without the batch axis). */
  readonly pointShapes: readonly (readonly number[])[];
  /** Number of points in the batch. */
  readonly count: number;
  /**
   * Optional: for each of the `count` points, the example it belongs to, as an index into the
   * batch of inputs the method was called with. Every method of the core sets it. A backend whose
   * model takes a value per example besides the attributed inputs (an attention mask per
   * sentence, a length per sequence) feeds point k the value of example `exampleIndices[k]`.
   */
  readonly exampleIndices?: Int32Array;
}

/**
 * A batch of points and, for each point, the linear objective to differentiate:
 * objective_k = Σ_j outputWeights[k·outputSize + j] · output_k[j]. A class target is a one-hot
 * row; a regression or custom objective is any weight vector.
 */
export interface GradientRequest extends PointBatch {
  /** `count × outputSize` weights, one row per point. */
  readonly outputWeights: Float32Array;
  /**
   * Optional, per model input: `count × size(pointShapes[i])` floats of core-owned memory offered
   * for the gradients. A backend MAY write its gradients there and return these same arrays in
   * `GradientResponse.gradients` (as an engine writing into preallocated outputs does); the core
   * then reads them in place instead of copying them. A backend may also ignore them and return
   * its own arrays. The views are valid only until the returned promise settles: do not keep
   * them. Values the backend did not write are unspecified.
   */
  readonly gradientBuffers?: readonly Float32Array[];
}

export interface GradientResponse {
  /** `count` objective values, one per point. */
  readonly objective: Float32Array;
  /**
   * Per model input: `count × size(pointShapes[i])` gradients of each point's objective; either
   * the backend's own arrays or the request's `gradientBuffers`, filled.
   */
  readonly gradients: readonly Float32Array[];
}

/**
 * One straight path segment for a fused backend: points baseline + alphas[k]·(input − baseline),
 * one objective for all of them.
 */
export interface IntegrateRequest {
  /** Per model input: one example, `size(pointShapes[i])` values. */
  readonly input: readonly Float32Array[];
  /** Per model input: the baseline of that example, same sizes as `input`. */
  readonly baseline: readonly Float32Array[];
  readonly pointShapes: readonly (readonly number[])[];
  readonly alphas: Float32Array;
  /** Quadrature weights, same length as `alphas`. */
  readonly weights: Float32Array;
  /** `outputSize` weights defining the objective (see GradientRequest). */
  readonly outputWeights: Float32Array;
  /** Optional: the example the segment belongs to (see PointBatch.exampleIndices). */
  readonly exampleIndex?: number;
}

export interface IntegrateResponse {
  /** Per model input: Σ_k weights[k] · ∂objective/∂x at point k (input-sized). */
  readonly gradientSums: readonly Float32Array[];
}

/**
 * An engine that runs and differentiates one model. Implement `predict`, `gradients` and
 * `dispose` (see the worked example in @ig/core's README, "Writing a backend"); `integrate` is
 * an optional speed-up. `functionBackend` builds one from plain functions.
 *
 * What the core checks and reports as a BackendContractError naming the backend: array counts
 * and lengths (`predict` must return a non-empty multiple of `count`, the same `outputSize` on
 * every call). Non-finite outputs or gradients are a NonFiniteError naming the point.
 */
export interface GradientBackend {
  /** A short description of the engine and device, e.g. `onnxruntime-node/cpu`; used in reports and errors. */
  readonly name: string;
  /**
   * The model at each point: `count × outputSize` values, point k's outputs at
   * `k·outputSize`. `outputSize` is the size of one example's output (a [N, C] classifier: C).
   */
  predict(batch: PointBatch): Promise<Float32Array>;
  /**
   * For each point k: the objective F_k = Σⱼ outputWeights[k·outputSize + j]·output_k[j] and its
   * gradient ∂F_k/∂(point k of input i) for every model input i. Engines with autodiff seed the
   * backward pass with the weights (a vector–Jacobian product); the gradient of point k depends
   * on point k alone, so a batch is `count` independent problems.
   */
  gradients(request: GradientRequest): Promise<GradientResponse>;
  /**
   * Optional fused path integral: interpolation, gradients and the weighted sum stay on the
   * backend's device and only input-sized sums come back. The core uses it when present.
   */
  integrate?(request: IntegrateRequest): Promise<IntegrateResponse>;
  /**
   * True when the gradients are straight-through estimates (a quantized model): the output steps
   * where its gradient does not follow, so F's change between path points does not measure the
   * quadrature's error. `steps: 'auto'` then refines on the gradient's own variation.
   */
  readonly straightThroughGradients?: boolean;
  /** Frees what the backend holds (sessions, device memory). */
  dispose(): void | Promise<void>;
}
