import { integrandError } from './adaptive-bounds.js';
import type { MeshElement, PathMesh } from './adaptive-mesh.js';
import { completenessScale } from './completeness.js';
import type { PathPlan } from './path-plan.js';

/**
 * Share of the path's error whose elements are refined in one round (Dörfler marking): the worst
 * elements first, until their errors add up to this share of the total.
 */
const MARKED_SHARE = 0.5;
/**
 * Jumps of F on one path from which F counts as a staircase (a quantized model): its change
 * across an element then measures where F's steps fall, not the quadrature's error.
 */
export const STAIRCASE_JUMPS = 8;

/** What the next round of one path needs, and what its elements showed. */
export interface PathMarking {
  /** The α to evaluate next; none when the path is done. */
  readonly alphas: number[];
  /** Elements across which F jumps (see PathMesh.isJump). */
  readonly jumps: MeshElement[];
  /** Whether the path is refined on the gradient alone (F is a staircase). */
  readonly staircase: boolean;
}

/**
 * The α to evaluate next on a path. Each element's completeness error is exact where F is
 * continuous, and the worst are bisected until the path's relative error is within tolerance. With
 * `checkMidpoint`, a midpoint that meets it alone must also match the gradient at α = 1 per feature.
 * The error of elements across which F jumps is left out, as refinement cannot lower it. Once F
 * has jumped at STAIRCASE_JUMPS places (or `staircase` was set earlier), F's changes stop guiding:
 * elements are ranked by their integrandError (adaptive-bounds.ts), and the path stops when the sum of those
 * is within tolerance.
 */
export function markPath(
  mesh: PathMesh,
  path: PathPlan,
  direction: readonly Float32Array[],
  options: { readonly tolerance: number; readonly maxSteps: number; readonly staircase: boolean; readonly checkMidpoint: boolean },
): PathMarking {
  const elements = mesh.elements();
  const slopeScale = mesh.slopeScale();
  const jumps = elements.filter((e) => mesh.isJump(e, slopeScale));
  const jumped = new Set(jumps);
  const staircase = options.staircase || jumps.length >= STAIRCASE_JUMPS;
  const difference = path.fInput - path.fBaseline;
  const allowed = options.tolerance * completenessScale(path.fInput, path.fBaseline);
  const budget = options.maxSteps - mesh.size;
  const done = (): PathMarking => ({ alphas: [], jumps, staircase });
  if (budget <= 0) return done();
  if (staircase) {
    if (mesh.lone) return { alphas: mesh.missingEnds(), jumps, staircase };
    const bounds = elements.map((e) => ({ element: e, indicator: integrandError(mesh, e) }));
    if (bounds.reduce((total, b) => total + b.indicator, 0) <= allowed) return done();
    const refinable = bounds.filter((b) => b.indicator > 0 && mesh.splittable(b.element));
    return next(mesh, dorfler(refinable, budget), jumps, staircase);
  }
  let measured = 0;
  for (const e of elements) if (!jumped.has(e)) measured += e.error;
  // Σ errors is exact against F(1) − F(0) of these evaluations; the report compares with the
  // predicted F(x) − F(x'), so the stop does too.
  const ends = mesh.lone ? 0 : mesh.node(mesh.size - 1).f - mesh.node(0).f - difference;
  const delta = measured + ends;
  if (mesh.lone) {
    if (Math.abs(delta) > allowed) return { alphas: mesh.refinable(elements[0] as MeshElement) ? mesh.missingEnds() : [], jumps, staircase };
    if (!options.checkMidpoint) return done();
    // The midpoint can meet completeness while features err in opposite directions (F = x₀³ − x₁³:
    // 25% off each). The gradient at α = 1 checks it per feature; where it differs, the ends start
    // the mesh. A positively homogeneous network against a zero baseline passes with 2 points.
    if (mesh.size === 1) return { alphas: [1], jumps, staircase };
    return mesh.probeVariation(direction) <= allowed ? done() : { alphas: mesh.missingEnds(), jumps, staircase };
  }
  if (Math.abs(delta) <= allowed) return done();
  let marked = dorfler(
    elements.filter((e) => !jumped.has(e) && mesh.refinable(e)).map((e) => ({ element: e, indicator: Math.abs(e.error) })),
    budget,
  );
  // Every element's error is within the rounding of F at its ends, but their sum, where that
  // rounding cancels, is not: the errors are real, only too small to rank one by one. The
  // gradients' variation across each element (what a kink leaves) ranks them instead.
  if (marked.length === 0 && Math.abs(delta) > mesh.sumNoise(elements)) {
    const ranked = elements.filter((e) => mesh.splittable(e)).map((e) => ({ element: e, indicator: mesh.variation(e, direction) }));
    marked = dorfler(
      ranked.filter((r) => r.indicator > 0),
      budget,
    );
  }
  return next(mesh, marked, jumps, staircase);
}

function next(mesh: PathMesh, marked: MeshElement[], jumps: MeshElement[], staircase: boolean): PathMarking {
  return { alphas: marked.map((e) => mesh.splitPoint(e)).sort((a, b) => a - b), jumps, staircase };
}

/** Dörfler marking: the elements of largest indicator first, until they hold MARKED_SHARE of the sum (at most `budget`). */
function dorfler(candidates: { element: MeshElement; indicator: number }[], budget: number): MeshElement[] {
  candidates.sort((a, b) => b.indicator - a.indicator);
  let total = 0;
  for (const c of candidates) total += c.indicator;
  const marked: MeshElement[] = [];
  let covered = 0;
  for (const c of candidates) {
    if (marked.length >= budget || (marked.length > 0 && covered >= MARKED_SHARE * total)) break;
    marked.push(c.element);
    covered += c.indicator;
  }
  return marked;
}
