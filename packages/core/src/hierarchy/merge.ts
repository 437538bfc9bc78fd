import { throwIfAborted, type AbortSignalLike } from '../abort.js';
import type { GroupScorer } from './group-scores.js';
import { scoresOf } from './scores-of.js';
import type { HierarchyBuilder } from './tree.js';
import type { UnitLayout } from './units.js';

/**
 * Joins the components (current nodes of more than one unit, or selected single units) two at a
 * time: the pair whose joint score minus the larger of the two scores is largest, ties to the
 * first pair in scan order. On a grid any two components may join (as `acd`); in a sequence
 * only neighbouring ones, and the join takes the units between them too, so every phrase is a
 * contiguous span. Joint scores are computed once per pair and reused in later rounds.
 */
export async function mergeComponents(
  scorer: GroupScorer,
  tree: HierarchyBuilder,
  layout: UnitLayout,
  selected: readonly boolean[],
  options: { readonly signal?: AbortSignalLike; readonly onLevel?: (levels: number) => void },
): Promise<void> {
  const isComponent = (id: number): boolean => selected[tree.node(id).units[0] as number] === true;
  const cache = new Map<string, number>();
  for (;;) {
    throwIfAborted(options.signal);
    const current = (tree.levels[tree.levels.length - 1] as number[]).filter(isComponent);
    if (current.length < 2) return;
    const pairs: [number, number][] = [];
    if (layout.kind === 'grid') {
      for (let i = 0; i < current.length; i++) for (let j = i + 1; j < current.length; j++) pairs.push([current[i] as number, current[j] as number]);
    } else {
      for (let i = 0; i + 1 < current.length; i++) pairs.push([current[i] as number, current[i + 1] as number]);
    }
    const key = ([a, b]: [number, number]): string => `${a},${b}`;
    const joined = ([a, b]: [number, number]): number[] => {
      const units = [...tree.node(a).units, ...tree.node(b).units];
      if (layout.kind === 'grid') return units;
      const from = Math.min(...units);
      return Array.from({ length: Math.max(...units) - from + 1 }, (_, k) => from + k);
    };
    const missing = pairs.filter((pair) => !cache.has(key(pair)));
    if (missing.length > 0) {
      const scores = await scoresOf(
        scorer,
        missing.map((pair) => tree.featuresOf(joined(pair))),
      );
      missing.forEach((pair, k) => cache.set(key(pair), scores[k] as number));
    }
    let best = pairs[0] as [number, number];
    let bestGain = Number.NEGATIVE_INFINITY;
    for (const pair of pairs) {
      const gain = (cache.get(key(pair)) as number) - Math.max(tree.node(pair[0]).score, tree.node(pair[1]).score);
      if (gain > bestGain) {
        bestGain = gain;
        best = pair;
      }
    }
    tree.addLevel([{ units: joined(best), score: cache.get(key(best)) as number }]);
    options.onLevel?.(tree.levels.length);
  }
}
