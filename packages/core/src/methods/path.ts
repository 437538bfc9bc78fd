/**
 * A gradient path for one example: the points γ(αₖ) where gradients are taken, and for each
 * point the displacement wₖ·γ′(αₖ) its gradient is multiplied by, so that
 * attribution = Σₖ ∇F(γ(αₖ)) ⊙ wₖ·γ′(αₖ). Arrays hold one view per model input.
 */
export interface GradientPath {
  /**
   * Where the path starts: the completeness report compares Σ attribution with F(x) − F(start),
   * averaged over several starts (Expected Gradients). Empty for a method that is no path
   * integral (saliency): it then reports no completeness.
   */
  readonly starts: readonly (readonly Float32Array[])[];
  /**
   * How many points may be handed out before their gradients come back: Infinity for a path
   * fixed in advance, 1 for one that adapts to its gradients (Guided IG).
   */
  readonly lookahead: number;
  /** Writes the next point into `out` and returns true, or returns false when the path is done. */
  next(out: readonly Float32Array[]): boolean;
  /**
   * For the oldest point handed out whose displacement is not written yet: receives its
   * gradients and writes its displacement wₖ·γ′(αₖ) into every value of `out`.
   */
  displacement(gradients: readonly Float32Array[], out: readonly Float32Array[]): void;
}

/** What a method knows when it builds the path of one example. */
export interface PathContext {
  readonly example: number;
  /** Per model input: the example's values (point-sized views; do not write). */
  readonly input: readonly Float32Array[];
  readonly pointShapes: readonly (readonly number[])[];
}

export type PathFactory = (context: PathContext) => GradientPath;
