import { refineAdaptively, type PathRefinement } from './adaptive-steps.js';
import { refineUntilComplete } from './auto-steps.js';
import { InvalidOptionError } from './errors.js';
import type { PathPlan } from './path-plan.js';
import type { PathRunner } from './path-runner.js';
import type { QuadratureRule } from './quadrature.js';
import type { Scratch } from './scratch.js';

/** How `steps: 'auto'` refines: per-piece bisection where the error is, or whole nested grids. */
export type AutoRule = 'adaptive' | 'nested';
export const AUTO_RULES: readonly AutoRule[] = ['adaptive', 'nested'];

export function checkAutoRule(rule: unknown): AutoRule {
  if (rule === undefined) return 'adaptive';
  if (!(AUTO_RULES as readonly unknown[]).includes(rule))
    throw new InvalidOptionError(`autoRule must be one of ${AUTO_RULES.join(', ')}, got ${JSON.stringify(rule) ?? String(rule)}`);
  return rule as AutoRule;
}

/**
 * The one rule for `steps: 'auto'` with `method`: they do not combine. Auto steps choose their
 * own points (`autoRule`), so a quadrature `method` would be silently unused; asking for both is
 * refused, whatever the method (the default one included), here and in the `ig` CLI alike.
 */
export function checkStepsAndMethod(steps: unknown, method: unknown): void {
  if (steps !== 'auto' || method === undefined) return;
  const named = typeof method === 'string' ? `method '${method}'` : 'a custom method';
  throw new InvalidOptionError(
    `steps: 'auto' places its own points (autoRule 'adaptive' or 'nested') and cannot use ${named}: give steps a number to integrate with that method, or leave method unset (ig: --steps auto without --method)`,
  );
}

export interface IntegratedPaths {
  /** Per path, per model input: Σ weight·gradient along the path. */
  readonly gradientSums: Float64Array[][];
  /** Per path: the points it used. */
  readonly steps: number[];
  /** Per path, with the adaptive rule only. */
  readonly refinements?: PathRefinement[];
}

export type PathRule =
  | { readonly fixed: QuadratureRule }
  | {
      readonly auto: AutoRule;
      readonly tolerance: number;
      readonly maxSteps: number;
      readonly onPlan: (points: number) => void;
      /** See IntegratedGradientsOptions.checkMidpoint (adaptive rule only). */
      readonly checkMidpoint: boolean;
      /** The backend's gradients are straight-through estimates (GradientBackend.straightThroughGradients). */
      readonly straightThrough: boolean;
    };

/** Runs every path through the runner under a fixed rule or one of the `steps: 'auto'` rules. */
export async function integratePaths(
  runner: PathRunner,
  paths: readonly PathPlan[],
  rule: PathRule,
  pointSizes: readonly number[],
  scratch: Scratch,
): Promise<IntegratedPaths> {
  if ('fixed' in rule) {
    const gradientSums = paths.map(() => pointSizes.map((size) => scratch.float64Zeros(size)));
    await runner.run(paths.map((path, p) => ({ ...path, alphas: rule.fixed.alphas, weights: rule.fixed.weights, sinks: gradientSums[p] as Float64Array[] })));
    return { gradientSums, steps: paths.map(() => rule.fixed.alphas.length) };
  }
  const options = { tolerance: rule.tolerance, maxSteps: rule.maxSteps, pointSizes, onPlan: rule.onPlan };
  return rule.auto === 'adaptive'
    ? refineAdaptively(runner, paths, { ...options, straightThrough: rule.straightThrough, checkMidpoint: rule.checkMidpoint })
    : refineUntilComplete(runner, paths, options);
}
