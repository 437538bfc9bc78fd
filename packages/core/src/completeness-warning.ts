import type { PathRefinement } from './adaptive-steps.js';
import { percent } from './completeness.js';
import { changeInterval, convergenceHint } from './convergence-hint.js';
import type { AutoRule } from './path-rules.js';
import { stepsOfF } from './jump-warning.js';
import { FIXED_ADVICE } from './profile-probe.js';

export interface AutoSettings {
  readonly rule: AutoRule;
  readonly maxSteps: number;
  /** The backend's gradients are straight-through estimates (GradientBackend.straightThroughGradients). */
  readonly straightThrough?: boolean;
}

/** What helps a capped path whose F along the path is unknown: more points or a looser tolerance. */
export const autoAdvice = (maxSteps: number): string => `raise maxSteps (ig: --max-steps) above ${maxSteps} or loosen the tolerance`;

/**
 * The warning of an (example, target) whose relative completeness error exceeds the tolerance.
 * With `steps: 'auto'` it says whether the cap stopped the refinement and, from F along the path
 * (the adaptive rule's evaluations, `refinements` of the cell's paths), what would help.
 */
export function completenessWarning(args: {
  readonly label: string;
  readonly relativeError: number;
  readonly tolerance: number;
  readonly attributionSum: number;
  readonly fInput: number;
  readonly fBaseline: number;
  readonly steps: number;
  readonly auto: AutoSettings | undefined;
  readonly refinements: readonly PathRefinement[];
}): string {
  const { label, auto, refinements } = args;
  const figures = `completeness error ${percent(args.relativeError)} exceeds the tolerance ${percent(args.tolerance)} (Σattr = ${args.attributionSum.toPrecision(6)}, F(x) − F(x') = ${(args.fInput - args.fBaseline).toPrecision(6)})`;
  // A fixed rule's advice is refined from F along the path by withFixedRuleHints.
  if (auto === undefined) return `${label}: ${figures}; ${FIXED_ADVICE}`;
  // The path that left the largest error speaks for the cell (one path per baseline sample).
  const worst = refinements.reduce<PathRefinement | undefined>((a, b) => (a === undefined || b.errorBound > a.errorBound ? b : a), undefined);
  const capped = worst !== undefined ? refinements.some((r) => r.capped) : 2 * (args.steps - 1) + 1 > auto.maxSteps;
  const more = autoAdvice(auto.maxSteps);
  const steps = stepsOfF({ ...args, cap: capped ? auto.maxSteps : undefined, straightThrough: auto.straightThrough === true });
  if (steps !== undefined) return `${label}: ${figures}. ${steps}`;
  if (!capped) {
    return `${label}: steps: 'auto' stopped below its cap of ${auto.maxSteps} points: the error left is within the rounding it allows float32 F (2⁻²⁰, about 16 ulps, of |F| at the ends and of each piece's gradient terms), below which refinement cannot be told from rounding; ${figures}; loosen the tolerance or compute the model in float64`;
  }
  // The nested rule keeps no F along the path: withProbedHints refines `more` by probing it.
  const hint = worst === undefined ? more : convergenceHint(changeInterval(worst.profile), more);
  return `${label}: steps: 'auto' hit its cap of ${auto.maxSteps} points per path (maxSteps) before reaching the tolerance: ${figures}. ${hint}`;
}
