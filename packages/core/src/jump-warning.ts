import type { PathJump, PathRefinement } from './adaptive-steps.js';
import { completenessScale, percent } from './completeness.js';

/** Jumps named one by one in a warning; the rest are counted. */
const NAMED_JUMPS = 3;

const alpha = (jump: PathJump): string => String(Number((0.5 * (jump.from + jump.to)).toFixed(4)));

const STAIRCASE =
  'F is a staircase along the path: the gradients are straight-through estimates (a quantized model) or F jumped at many places, ' +
  'so F steps where its gradient does not follow, and the completeness error left is those steps, which no number of steps lowers.';

/**
 * Why a path's completeness error stayed above the tolerance when F steps along it where its
 * gradient does not follow (see PathRefinement.jumps and .staircase, or, for the nested rule,
 * which keeps no refinements, the backend's straight-through gradients), or undefined when it
 * does not. `cap` is maxSteps when the path stopped there.
 */
export function stepsOfF(args: {
  readonly refinements: readonly PathRefinement[];
  readonly fInput: number;
  readonly fBaseline: number;
  readonly cap: number | undefined;
  readonly straightThrough: boolean;
}): string | undefined {
  const { refinements, cap } = args;
  const staircase = refinements.some((r) => r.staircase);
  const jumps = refinements.flatMap((r) => r.jumps);
  const capped = cap === undefined ? '' : `; steps: 'auto' hit its cap of ${cap} points per path (maxSteps) first: raise maxSteps (ig: --max-steps)`;
  // The nested rule keeps no F along the path, and its grids' errors on a staircase are F's steps.
  if (refinements.length === 0 && args.straightThrough) {
    return `${STAIRCASE} The nested rule cannot tell its own error from those steps, so it refined to its cap of points; autoRule 'adaptive' (the default; ig: --auto-rule adaptive) refines on the gradient alone and stops at the tolerance`;
  }
  if (!staircase && jumps.length === 0) return undefined;
  const scale = completenessScale(args.fInput, args.fBaseline);
  if (staircase) {
    const bound = Math.max(...refinements.map((r) => r.integrandErrorBound)) / scale;
    return (
      `${STAIRCASE} ` +
      `The path was refined on the gradient alone, to an integral within ${percent(bound)} of F(x) − F(x') of the gradient's exact one (where it is monotone per piece)${capped}`
    );
  }
  const largest = [...jumps].sort((a, b) => Math.abs(b.error) - Math.abs(a.error));
  const named = largest
    .slice(0, NAMED_JUMPS)
    .sort((a, b) => a.from - b.from)
    .map((j) => `α ≈ ${alpha(j)} (${percent(Math.abs(j.error) / refinements.length / scale)} of F(x) − F(x'))`);
  const more = jumps.length > NAMED_JUMPS ? ` and ${jumps.length - NAMED_JUMPS} more place(s)` : '';
  const total = jumps.reduce((sum, j) => sum + j.error, 0) / refinements.length / scale;
  return (
    `F jumps along the path at ${named.join(', ')}${more}, where its gradient does not follow (a step, rounding, comparison or quantization in the model): ` +
    `those jumps, each within an interval narrower than 2⁻¹² of the path, leave a completeness error of ${percent(Math.abs(total))} that no number of steps lowers` +
    (cap === undefined ? '; the rest is within the tolerance' : `${capped} to bring the rest within the tolerance`)
  );
}
