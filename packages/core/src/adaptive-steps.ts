import { attributionErrorBound, integrandError } from './adaptive-bounds.js';
import { pointsPerBin, spreadError } from './adaptive-histogram.js';
import { markPath } from './adaptive-marking.js';
import { BASELINE_SIDE_ALPHA, PathMesh, type MeshNode, type PieceRule } from './adaptive-mesh.js';
import type { PathProfile } from './convergence-hint.js';
import type { PathPlan } from './path-plan.js';
import type { PathRunner, PathSegment } from './path-runner.js';

/** Bins over α of the refinement histograms. */
export const HISTOGRAM_BINS = 10;

/** Where F jumps along a path: an element's α interval and the part of F's change there that its gradient does not integrate. */
export interface PathJump {
  readonly from: number;
  readonly to: number;
  /** The element's completeness error: quadrature of g minus F(to) − F(from). */
  readonly error: number;
}

/** How one path was refined; absolute errors, in the objective's units. */
export interface PathRefinement {
  readonly evaluations: number;
  readonly rounds: number;
  /** Σ |error| of the final elements: bounds |Σ attr − (F(1) − F(0))| of this path. */
  readonly errorBound: number;
  /** See attributionErrorBound (adaptive-bounds.ts); null when the path stopped on the midpoint rule. */
  readonly attributionErrorBound: number | null;
  readonly pointsPerBin: number[];
  /** |error| of the final elements (their integrandError on a staircase), spread over the bins they cover. */
  readonly errorPerBin: number[];
  /** True when the path stopped because `maxSteps` points were spent. */
  readonly capped: boolean;
  /** F at every evaluated α, in order: where along the path the output changed. */
  readonly profile: PathProfile;
  /** Elements across which F jumps (left unrefined: their error does not fall with width), in α order. */
  readonly jumps: readonly PathJump[];
  /**
   * True when F is a staircase (a quantized model, or F jumped at STAIRCASE_JUMPS places): the
   * path was refined until `integrandErrorBound`, not its completeness error, was within tolerance.
   */
  readonly staircase: boolean;
  /** Σ integrandError (adaptive-bounds.ts) over the final elements: g's own quadrature error where g is monotone per piece. */
  readonly integrandErrorBound: number;
}

export interface AdaptiveOptions {
  readonly tolerance: number;
  readonly maxSteps: number;
  readonly pointSizes: readonly number[];
  readonly onPlan: (points: number) => void;
  readonly rule?: PieceRule;
  /** Refine every path as a staircase from the start (see PathRefinement.staircase). */
  readonly straightThrough?: boolean;
  /** Check a midpoint that meets the tolerance by the gradient at α = 1 (see markPath). */
  readonly checkMidpoint?: boolean;
}

interface PathState {
  readonly mesh: PathMesh;
  /** x − x' per model input. */
  readonly direction: readonly Float32Array[];
  rounds: number;
  active: boolean;
  staircase: boolean;
}

/**
 * Locally adaptive steps: every path starts from α = ½ alone (the midpoint rule, exact where the
 * gradient is constant along the path; with `checkMidpoint` it stops there only if the gradient at
 * α = 1 agrees per feature), then adds both ends (Simpson on [0, ½, 1]; the end at α = 0 takes its
 * gradient just inside the path, at BASELINE_SIDE_ALPHA); each round measures the completeness
 * error of every element from F at its ends, bisects the worst elements and sends the new points
 * of all paths in one run of the runner (batched to its batch size),
 * until the path's relative completeness error is within tolerance, the error left (summed, where
 * F's rounding at interior points cancels) is within float32 rounding, or `maxSteps` points are
 * spent. Elements where F jumps are bracketed and left out, and a staircase F is refined on the
 * gradient alone (see markPath). Every gradient is kept until the end, when the final weights are
 * known.
 */
export async function refineAdaptively(
  runner: PathRunner,
  paths: readonly PathPlan[],
  options: AdaptiveOptions,
): Promise<{ gradientSums: Float64Array[][]; steps: number[]; refinements: PathRefinement[] }> {
  const { pointSizes, tolerance, maxSteps } = options;
  const states: PathState[] = paths.map((path) => ({
    mesh: new PathMesh(options.rule ?? 'simpson-pairs', [path.fBaseline, path.fInput]),
    direction: path.input.map((x, i) => {
      const b = path.baseline[i] as Float32Array;
      return Float32Array.from(x, (v, j) => v - (b[j] as number));
    }),
    rounds: 0,
    active: true,
    staircase: options.straightThrough === true,
  }));
  let requests: { path: number; alphas: Float64Array }[] = paths.map((_, p) => ({ path: p, alphas: Float64Array.of(0.5) }));
  while (requests.length > 0) {
    options.onPlan(requests.reduce((n, r) => n + r.alphas.length, 0));
    const fresh = await evaluate(runner, paths, requests, pointSizes);
    requests.forEach((request, k) => {
      const state = states[request.path] as PathState;
      state.mesh.insert(fresh[k] as MeshNode[]);
      state.rounds += 1;
    });
    requests = [];
    paths.forEach((path, p) => {
      const state = states[p] as PathState;
      if (!state.active) return;
      const marking = markPath(state.mesh, path, state.direction, {
        tolerance,
        maxSteps,
        staircase: state.staircase,
        checkMidpoint: options.checkMidpoint === true,
      });
      state.staircase = marking.staircase;
      if (marking.alphas.length === 0) state.active = false;
      else requests.push({ path: p, alphas: Float64Array.from(marking.alphas) });
    });
  }
  return {
    gradientSums: states.map((s) => s.mesh.gradientSums(pointSizes)),
    steps: states.map((s) => s.mesh.size),
    refinements: states.map((state) => summarize(state, maxSteps)),
  };
}

function summarize(state: PathState, maxSteps: number): PathRefinement {
  const { mesh } = state;
  const elements = mesh.elements();
  const slopeScale = mesh.slopeScale();
  const errorPerBin = new Array<number>(HISTOGRAM_BINS).fill(0);
  let errorBound = 0;
  let integrandErrorBound = 0;
  const jumps: PathJump[] = [];
  for (const e of elements) {
    const gError = integrandError(mesh, e);
    errorBound += Math.abs(e.error);
    integrandErrorBound += gError;
    // A staircase's F errors are its steps; what refinement can still lower is the integrand's.
    spreadError(mesh, e, errorPerBin, state.staircase ? gError : Math.abs(e.error));
    if (mesh.isJump(e, slopeScale)) jumps.push({ from: mesh.node(e.first).alpha, to: mesh.node(e.last).alpha, error: e.error });
  }
  const alphas = new Float64Array(mesh.size);
  const values = new Float64Array(mesh.size);
  for (let k = 0; k < mesh.size; k++) {
    alphas[k] = mesh.node(k).alpha;
    values[k] = mesh.node(k).f;
  }
  return {
    evaluations: mesh.size,
    rounds: state.rounds,
    errorBound,
    attributionErrorBound: attributionErrorBound(mesh, state.direction),
    pointsPerBin: pointsPerBin(mesh, HISTOGRAM_BINS),
    errorPerBin,
    capped: mesh.size >= maxSteps,
    profile: { alphas, values },
    jumps,
    staircase: state.staircase,
    integrandErrorBound,
  };
}

/** Gradients and objectives at the requested points, all paths in one run (batched by the runner). */
async function evaluate(
  runner: PathRunner,
  paths: readonly PathPlan[],
  requests: readonly { path: number; alphas: Float64Array }[],
  pointSizes: readonly number[],
): Promise<MeshNode[][]> {
  const segments: PathSegment[] = [];
  for (const { path, alphas } of requests) {
    const plan = paths[path] as PathPlan;
    for (let k = 0; k < alphas.length; k++) {
      segments.push({
        ...plan,
        alphas: Float64Array.of(alphas[k] === 0 ? BASELINE_SIDE_ALPHA : (alphas[k] as number)),
        weights: Float64Array.of(1),
        sinks: pointSizes.map((size) => new Float64Array(size)),
        objectives: new Float64Array(1),
      });
    }
  }
  await runner.run(segments);
  let next = 0;
  return requests.map(({ path, alphas }) => {
    const plan = paths[path] as PathPlan;
    return Array.from(alphas, (alpha) => {
      const segment = segments[next++] as PathSegment;
      let g = 0;
      let gAbs = 0;
      const gradients = segment.sinks.map((sink, input) => {
        const x = plan.input[input] as Float32Array;
        const b = plan.baseline[input] as Float32Array;
        for (let j = 0; j < sink.length; j++) {
          const term = (sink[j] as number) * ((x[j] as number) - (b[j] as number));
          g += term;
          gAbs += Math.abs(term);
        }
        // Each sink holds one float32 gradient times 1: the copy is exact.
        return Float32Array.from(sink);
      });
      // F at α = 0 is F(x') (see BASELINE_SIDE_ALPHA), so that pieces measure F's exact change.
      return { alpha, f: alpha === 0 ? plan.fBaseline : ((segment.objectives as Float64Array)[0] as number), g, gAbs, gradients };
    });
  });
}
