import { PathMesh, type MeshElement, type MeshNode, type PieceRule } from './adaptive-mesh.js';
import type { PathPlan } from './integrate.js';
import type { PathRunner, PathSegment } from './path-runner.js';

/** Bins over α of the refinement histograms. */
export const HISTOGRAM_BINS = 10;
/**
 * Share of the path's error whose elements are refined in one round (Dörfler marking): the worst
 * elements first, until their errors add up to this share of the total.
 */
const MARKED_SHARE = 0.5;
const FIRST_LEVEL = 2;

/** How one path was refined; absolute errors, in the objective's units. */
export interface PathRefinement {
  readonly evaluations: number;
  readonly rounds: number;
  /** Σ |error| of the final elements: bounds |Σ attr − (F(1) − F(0))| of this path. */
  readonly errorBound: number;
  readonly pointsPerBin: number[];
  /** |error| of every element measured before it was split, and of the final ones, per bin. */
  readonly errorPerBin: number[];
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
  readonly errorPerBin: number[];
  rounds: number;
  active: boolean;
}

/** Dyadic start grid: 5 points, or 3 when maxSteps allows no more. */
function startGrid(maxSteps: number): Float64Array {
  const intervals = 2 ** Math.min(FIRST_LEVEL, Math.floor(Math.log2(maxSteps - 1)));
  return Float64Array.from({ length: intervals + 1 }, (_, k) => k / intervals);
}

/**
 * Locally adaptive steps: every path starts from a coarse dyadic grid; each round measures the
 * completeness error of every element from F at its ends, bisects the worst elements and sends the
 * new points of all paths in one run of the runner (batched to its batch size), until the path's
 * relative completeness error is within tolerance, nothing left is above rounding, or `maxSteps`
 * points are spent. Every gradient is kept until the end, when the final weights are known.
 */
export async function refineAdaptively(
  runner: PathRunner,
  paths: readonly PathPlan[],
  options: AdaptiveOptions,
): Promise<{ gradientSums: Float64Array[][]; steps: number[]; refinements: PathRefinement[] }> {
  const { pointSizes, tolerance, maxSteps } = options;
  const states: PathState[] = paths.map(() => ({ mesh: new PathMesh(options.rule ?? 'simpson-pairs'), errorPerBin: new Array<number>(HISTOGRAM_BINS).fill(0), rounds: 0, active: true }));
  const start = startGrid(maxSteps);
  let requests: { path: number; alphas: Float64Array }[] = paths.map((_, p) => ({ path: p, alphas: start }));
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
    refinements: states.map(summarize),
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
  const delta = measured + (mesh.node(mesh.size - 1).f - mesh.node(0).f) - (path.fInput - path.fBaseline);
  const difference = path.fInput - path.fBaseline;
  const scale = difference !== 0 ? Math.abs(difference) : Math.max(Math.abs(path.fInput), Math.abs(path.fBaseline));
  const budget = maxSteps - mesh.size;
  if (Math.abs(delta) <= tolerance * scale || budget <= 0) return [];
  const candidates = elements.filter((e) => mesh.refinable(e)).sort((a, b) => Math.abs(b.error) - Math.abs(a.error));
  let total = 0;
  for (const e of candidates) total += Math.abs(e.error);
  const marked: MeshElement[] = [];
  let covered = 0;
  for (const e of candidates) {
    if (marked.length >= budget || (marked.length > 0 && covered >= MARKED_SHARE * total)) break;
    marked.push(e);
    covered += Math.abs(e.error);
  }
  for (const e of marked) mesh.spreadError(e, state.errorPerBin);
  return marked.map((e) => mesh.splitPoint(e)).sort((a, b) => a - b);
}

function summarize(state: PathState): PathRefinement {
  const { mesh } = state;
  const errorPerBin = [...state.errorPerBin];
  let errorBound = 0;
  for (const e of mesh.elements()) {
    errorBound += Math.abs(e.error);
    mesh.spreadError(e, errorPerBin);
  }
  return { evaluations: mesh.size, rounds: state.rounds, errorBound, pointsPerBin: mesh.pointsPerBin(HISTOGRAM_BINS), errorPerBin };
}

/** Gradients and objectives at the requested points, all paths in one run (batched by the runner). */
async function evaluate(runner: PathRunner, paths: readonly PathPlan[], requests: readonly { path: number; alphas: Float64Array }[], pointSizes: readonly number[]): Promise<MeshNode[][]> {
  const segments: PathSegment[] = [];
  for (const { path, alphas } of requests) {
    const plan = paths[path] as PathPlan;
    for (let k = 0; k < alphas.length; k++) {
      segments.push({ ...plan, alphas: alphas.subarray(k, k + 1), weights: Float64Array.of(1), sinks: pointSizes.map((size) => new Float64Array(size)), objectives: new Float64Array(1) });
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
