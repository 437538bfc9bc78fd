import { InvalidOptionError } from '../errors.js';
import { integratedGradients } from '../integrate.js';
import type { QuadratureMethod } from '../quadrature.js';
import { checkGroup, objectivePerGroup, scoringContext, type FeatureGroup, type GroupScoreOptions, type ScoringContext } from './scoring-context.js';

export type GroupScoreKind = 'occlusion' | 'build-up' | 'integrated-gradients' | 'group-path-integrated-gradients' | 'contextual-decomposition' | 'custom';

/** Scores groups of features for one example and target; larger means more important. */
export interface GroupScorer {
  readonly kind: GroupScoreKind;
  /** One score per group, in order; groups are scored in batches. */
  score(groups: readonly FeatureGroup[]): Promise<Float64Array>;
  /** Model evaluations spent so far: forward passes (points through `predict` or a CD graph) and gradient evaluations. */
  readonly cost: { readonly forwardPasses: number; readonly gradientEvaluations: number };
}

class CostCounter {
  forwardPasses = 0;
  gradientEvaluations = 0;
}

/** Occlusion (ACD's break-down score): F(x) − F(x with the group set to the baseline). */
export async function occlusionScorer(options: GroupScoreOptions): Promise<GroupScorer> {
  const context = await scoringContext(options);
  const cost = new CostCounter();
  cost.forwardPasses = 2;
  return {
    kind: 'occlusion',
    cost,
    score: async (groups) => {
      const occluded = await objectivePerGroup(context, groups, context.input, (group, point) => {
        for (const f of group) point[f] = context.baseline[f] as number;
      });
      cost.forwardPasses += groups.length;
      return occluded.map((value) => context.fInput - value);
    },
  };
}

/** Build-up: F(baseline with only the group's features taken from x). */
export async function buildUpScorer(options: GroupScoreOptions): Promise<GroupScorer> {
  const context = await scoringContext(options);
  const cost = new CostCounter();
  cost.forwardPasses = 2;
  return {
    kind: 'build-up',
    cost,
    score: async (groups) => {
      const built = await objectivePerGroup(context, groups, context.baseline, (group, point) => {
        for (const f of group) point[f] = context.input[f] as number;
      });
      cost.forwardPasses += groups.length;
      return built;
    },
  };
}

export interface IntegratedGradientsScoreOptions extends GroupScoreOptions {
  /** Path points per path (default 50). */
  readonly steps?: number;
  /** Quadrature rule (default `gauss-legendre`). */
  readonly method?: QuadratureMethod;
}

async function attributions(
  context: ScoringContext,
  input: Float32Array,
  count: number,
  options: IntegratedGradientsScoreOptions,
): Promise<{ data: Float32Array; evaluations: number }> {
  const result = await integratedGradients(
    context.backend,
    { data: input, shape: [count, ...context.pointShape] },
    {
      baselines: { data: context.baseline, shape: [1, ...context.pointShape] },
      target: { weights: context.weights },
      steps: options.steps ?? 50,
      ...(options.method !== undefined ? { method: options.method } : {}),
      batchSize: context.batchSize,
      ...(context.signal !== undefined ? { signal: context.signal } : {}),
    },
  );
  return { data: (result.attributions[0] as { data: Float32Array }).data, evaluations: result.gradientEvaluations };
}

/** The sum of one IG run's attributions over the group (the IG run happens once, on first use). */
export async function integratedGradientsScorer(options: IntegratedGradientsScoreOptions): Promise<GroupScorer> {
  const context = await scoringContext(options);
  const cost = new CostCounter();
  cost.forwardPasses = 2;
  let map: Float32Array | null = null;
  return {
    kind: 'integrated-gradients',
    cost,
    score: async (groups) => {
      if (map === null) {
        const run = await attributions(context, context.input, 1, options);
        map = run.data;
        cost.gradientEvaluations += run.evaluations;
        cost.forwardPasses += 2;
      }
      const attr = map;
      return Float64Array.from(groups, (group, index) => {
        let sum = 0;
        for (const f of checkGroup(group, context.size, index)) sum += attr[f] as number;
        return sum;
      });
    },
  };
}

/** Groups per IG call of the group-path score: each is one example of the batch. */
const GROUPS_PER_RUN = 16;

/**
 * Group-path IG: IG along the straight path that moves only the group's features from the
 * baseline to x (the others stay at the baseline), summed over the group. By completeness it
 * approaches F(x′ with the group from x) − F(x′) as the steps grow.
 */
export async function groupPathIntegratedGradientsScorer(options: IntegratedGradientsScoreOptions): Promise<GroupScorer> {
  const context = await scoringContext(options);
  const cost = new CostCounter();
  cost.forwardPasses = 2;
  return {
    kind: 'group-path-integrated-gradients',
    cost,
    score: async (groups) => {
      const { size } = context;
      const scores = new Float64Array(groups.length);
      for (let from = 0; from < groups.length; from += GROUPS_PER_RUN) {
        const n = Math.min(GROUPS_PER_RUN, groups.length - from);
        const ends = new Float32Array(n * size);
        for (let k = 0; k < n; k++) {
          const end = ends.subarray(k * size, (k + 1) * size);
          end.set(context.baseline);
          for (const f of checkGroup(groups[from + k] as FeatureGroup, size, from + k)) end[f] = context.input[f] as number;
        }
        const run = await attributions(context, ends, n, options);
        cost.gradientEvaluations += run.evaluations;
        cost.forwardPasses += 2 * n;
        // Outside the group the path does not move, so those attributions are exactly 0.
        for (let k = 0; k < n; k++) {
          let sum = 0;
          for (let f = 0; f < size; f++) sum += run.data[k * size + f] as number;
          scores[from + k] = sum;
        }
      }
      return scores;
    },
  };
}

/** A scorer from a plain function of the group (tests, custom scores, cached tables). */
export function functionScorer(scoreOf: (group: FeatureGroup) => number): GroupScorer {
  const cost = new CostCounter();
  return {
    kind: 'custom',
    cost,
    score: async (groups) => {
      cost.forwardPasses += groups.length;
      return Float64Array.from(groups, (group) => {
        const value = scoreOf(group);
        if (!Number.isFinite(value)) throw new InvalidOptionError(`the score function returned ${String(value)} for a group of ${group.length} features`);
        return value;
      });
    },
  };
}
