import { PathMesh, type MeshElement, type MeshNode, type PieceRule } from './adaptive-mesh.js';
import type { PathProfile } from './convergence-hint.js';
import type { PathPlan } from './path-plan.js';
import type { PathRunner, PathSegment } from './path-runner.js';

/** Bins over α of the refinement histograms. */
export const HISTOGRAM_BINS = 10;
/**
 * Share of the path's error whose elements are refined in one round (Dörfler marking): the worst
 * elements first, until their errors add up to this share of the total.
 */
const MARKED_SHARE = 0.5;

/** How one path was refined; absolute errors, in the objective's units. */
export interface PathRefinement {
  readonly evaluations: number;
  readonly rounds: number;
  /** Σ |error| of the final elements: bounds |Σ attr − (F(1) − F(0))| of this path. */
  readonly errorBound: number;
  /** See PathMesh.attributionErrorBound; null when the midpoint alone was evaluated. */
  readonly attributionErrorBound: number | null;
  readonly pointsPerBin: number[];
  /** |error| of the final elements, spread over the bins they cover. */
  readonly errorPerBin: number[];
  /** True when the path stopped because `maxSteps` points were spent. */
  readonly capped: boolean;
  /** F at every evaluated α, in order: where along the path the output changed. */
  readonly profile: PathProfile;
}

export interface AdaptiveOptions {
  readonly tolerance: number;
  readonly maxSteps: number;
  readonly pointSizes: readonly number[];
  readonly onPlan: (points: number) => void;
  readonly rule?: PieceRule;
}

interface PathState {
  readonly mesh: PathMesh;
  /** x − x' per model input. */
  readonly direction: readonly Float32Array[];
  rounds: number;
  active: boolean;
}

/**
 * Locally adaptive steps: every path starts from α = ½ alone (the midpoint rule, exact where the
 * gradient is constant along the path), then adds both ends (Simpson on [0, ½, 1]); each round
 * measures the completeness error of every element from F at its ends, bisects the worst elements
 * and sends the new points of all paths in one run of the runner (batched to its batch size),
 * until the path's relative completeness error is within tolerance, the error left (summed, where
 * F's rounding at interior points cancels) is within float32 rounding, or `maxSteps` points are
 * spent. Every gradient is kept until the end, when the final
 * weights are known.
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
      const alphas = nextPoints(state, path, tolerance, maxSteps);
      if (alphas.length === 0) state.active = false;
      else requests.push({ path: p, alphas: Float64Array.from(alphas) });
    });
  }
  return {
    gradientSums: states.map((s) => s.mesh.gradientSums(pointSizes)),
    steps: states.map((s) => s.mesh.size),
    refinements: states.map((state) => summarize(state, maxSteps)),
  };
}

/** The α to evaluate next on a path, or none when it is done. */
function nextPoints(state: PathState, path: PathPlan, tolerance: number, maxSteps: number): number[] {
  const { mesh } = state;
  const elements = mesh.elements();
  let measured = 0;
  for (const e of elements) measured += e.error;
  // Σ errors is exact against F(1) − F(0) of these evaluations; the report compares with the
  // predicted F(x) − F(x'), so the stop does too.
  const ends = mesh.size === 1 ? 0 : mesh.node(mesh.size - 1).f - mesh.node(0).f - (path.fInput - path.fBaseline);
  const delta = measured + ends;
  const difference = path.fInput - path.fBaseline;
  const scale = difference !== 0 ? Math.abs(difference) : Math.max(Math.abs(path.fInput), Math.abs(path.fBaseline));
  const budget = maxSteps - mesh.size;
  if (Math.abs(delta) <= tolerance * scale || budget <= 0) return [];
  if (mesh.size === 1) {
    return mesh.refinable(elements[0] as MeshElement) ? [0, 1] : [];
  }
  let marked = dorfler(
    elements.filter((e) => mesh.refinable(e)).map((e) => ({ element: e, indicator: Math.abs(e.error) })),
    budget,
  );
  // Every element's error is within the rounding of F at its ends, but their sum, where that
  // rounding cancels, is not: the errors are real, only too small to rank one by one. The
  // gradients' variation across each element (what a kink leaves) ranks them instead.
  if (marked.length === 0 && Math.abs(delta) > mesh.sumNoise(elements)) {
    const ranked = elements.filter((e) => mesh.splittable(e)).map((e) => ({ element: e, indicator: mesh.variation(e, state.direction) }));
    marked = dorfler(
      ranked.filter((r) => r.indicator > 0),
      budget,
    );
  }
  return marked.map((e) => mesh.splitPoint(e)).sort((a, b) => a - b);
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

function summarize(state: PathState, maxSteps: number): PathRefinement {
  const { mesh } = state;
  const errorPerBin = new Array<number>(HISTOGRAM_BINS).fill(0);
  let errorBound = 0;
  for (const e of mesh.elements()) {
    errorBound += Math.abs(e.error);
    mesh.spreadError(e, errorPerBin);
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
    attributionErrorBound: mesh.attributionErrorBound(state.direction),
    pointsPerBin: mesh.pointsPerBin(HISTOGRAM_BINS),
    errorPerBin,
    capped: mesh.size >= maxSteps,
    profile: { alphas, values },
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
        alphas: alphas.subarray(k, k + 1),
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
      return { alpha, f: (segment.objectives as Float64Array)[0] as number, g, gAbs, gradients };
    });
  });
}
