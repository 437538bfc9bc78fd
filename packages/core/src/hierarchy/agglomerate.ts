import { throwIfAborted, type AbortSignalLike } from '../abort.js';
import { InvalidOptionError } from '../errors.js';
import type { GroupScorer } from './group-scores.js';
import { scoresOf } from './scores-of.js';
import { smoothSelection, thresholdScores } from './threshold.js';
import { HierarchyBuilder, type Hierarchy } from './tree.js';
import { connectedComponents, edgeNeighbours, type UnitLayout } from './units.js';
import { mergeComponents } from './merge.js';

export interface AgglomerateOptions {
  /** Units at or above this percentile of the open scores join the selection (default 90). */
  readonly percentileInclude?: number;
  /** Rounds of rescoring the neighbours of the components (default 5, as `acd`). */
  readonly iterations?: number;
  /** Threshold |score| instead of score (default: true for sequences, false for grids, as `acd`). */
  readonly absolute?: boolean;
  readonly signal?: AbortSignalLike;
  /** Called after each level with the number of levels so far. */
  readonly onLevel?: (levels: number) => void;
}

/**
 * Agglomerative contextual decomposition (Singh, Murdoch & Yu, ICLR 2019), with any group score:
 * score every unit; select those at or above `percentileInclude`; form connected components;
 * rescore each component's edge neighbours as score(component ∪ neighbour) − score(component);
 * select again among the rest, `iterations` times; then merge the components pairwise, each
 * time the pair whose joint score most exceeds the larger of its two scores, until one remains.
 * See the package README for where this follows the paper and where the `acd` code.
 */
export async function agglomerate(scorer: GroupScorer, layout: UnitLayout, options: AgglomerateOptions = {}): Promise<Hierarchy> {
  const percentile = options.percentileInclude ?? 90;
  if (!(percentile >= 0 && percentile <= 100)) throw new InvalidOptionError(`percentileInclude must be within 0–100, got ${String(options.percentileInclude)}`);
  const iterations = options.iterations ?? 5;
  if (!Number.isInteger(iterations) || iterations < 0) throw new InvalidOptionError(`iterations must be an integer ≥ 0, got ${String(options.iterations)}`);
  const absolute = options.absolute ?? layout.kind === 'sequence';
  const unitCount = layout.features.length;
  const allFeatures = layout.features.flat().sort((a, b) => a - b);

  const first = await scoresOf(scorer, [...layout.features, allFeatures]);
  const unitScores = first.subarray(0, unitCount);
  const fullScore = first[unitCount] as number;
  const tree = new HierarchyBuilder(layout, unitScores);
  options.onLevel?.(tree.levels.length);
  const track = Float64Array.from(unitScores);
  let selected = thresholdScores(track, percentile, layout.kind, absolute);

  for (let step = 0; ; step++) {
    throwIfAborted(options.signal);
    const components = connectedComponents(layout, selected);
    const fresh = components.filter((units) => !tree.isCurrent(units));
    if (fresh.length > 0) {
      const scores = await scoresOf(
        scorer,
        fresh.map((units) => tree.featuresOf(units)),
      );
      tree.addLevel(fresh.map((units, k) => ({ units, score: scores[k] as number })));
      options.onLevel?.(tree.levels.length);
    }
    if (step >= iterations || selected.every(Boolean)) break;
    await rescoreNeighbours(scorer, tree, layout, components, selected, track);
    for (let u = 0; u < unitCount; u++) if (selected[u]) track[u] = Number.NaN;
    const picked = thresholdScores(track, percentile, layout.kind, absolute);
    if (!picked.some(Boolean)) break;
    const grown = selected.map((on, u) => on || (picked[u] as boolean));
    selected = layout.kind === 'grid' ? smoothSelection(grown, layout.rows, layout.cols) : grown;
  }

  await mergeComponents(scorer, tree, layout, selected, options);
  const last = tree.levels[tree.levels.length - 1] as number[];
  if (last.length > 1) {
    // Units never selected stay out of the components (as in `acd`); the root joins them in.
    tree.addLevel([{ units: layout.features.map((_, u) => u), score: fullScore }]);
    options.onLevel?.(tree.levels.length);
  }
  return tree.finish(fullScore);
}

/** track[v] = max over the components next to v of score(component ∪ v) − score(component). */
async function rescoreNeighbours(
  scorer: GroupScorer,
  tree: HierarchyBuilder,
  layout: UnitLayout,
  components: readonly number[][],
  selected: readonly boolean[],
  track: Float64Array,
): Promise<void> {
  const pairs: { component: number; unit: number }[] = [];
  components.forEach((units, component) => {
    const around = new Set<number>();
    for (const u of units) for (const v of edgeNeighbours(layout, u)) if (!selected[v]) around.add(v);
    for (const unit of [...around].sort((a, b) => a - b)) pairs.push({ component, unit });
  });
  if (pairs.length === 0) return;
  const scores = await scoresOf(
    scorer,
    pairs.map(({ component, unit }) => tree.featuresOf([...(components[component] as number[]), unit])),
  );
  const updated = new Map<number, number>();
  pairs.forEach(({ component, unit }, k) => {
    const base = tree.node(tree.ownerOf((components[component] as number[])[0] as number)).score;
    const gain = (scores[k] as number) - base;
    updated.set(unit, Math.max(updated.get(unit) ?? Number.NEGATIVE_INFINITY, gain));
  });
  for (const [unit, gain] of updated) track[unit] = gain;
}
