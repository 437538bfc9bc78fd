import { describe, expect, it } from 'vitest';
import {
  agglomerate,
  functionScorer,
  gridUnits,
  hierarchyProblems,
  nanPercentile,
  sequenceUnits,
  seededRandom,
  type FeatureGroup,
  type Hierarchy,
} from '../../src/index.js';

/** Levels as lists of unit sets, e.g. ['0', '1-2-3', '4', '5']. */
function levelUnits(tree: Hierarchy): string[][] {
  return tree.levels.map((level) => level.map((id) => tree.nodes[id]?.units.join('-') ?? '?'));
}

describe('nanPercentile', () => {
  it('interpolates linearly between order statistics and skips NaN, as numpy.nanpercentile', () => {
    expect(nanPercentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(nanPercentile([1, Number.NaN, 1, 2, 10], 49)).toBeCloseTo(1.47, 12);
    expect(nanPercentile([0, 1, 1, 2, 5, 6], 80)).toBe(5);
    expect(nanPercentile([Number.NaN], 50)).toBeNaN();
  });
});

describe('agglomerate on a sequence', () => {
  // Additive scores plus an interaction of tokens 1 and 2: s(G) = Σ w + 10·[1, 2 ∈ G].
  const w = [1, 6, 0, 2, 1, 5];
  const score = (group: FeatureGroup): number => group.reduce((s, f) => s + (w[f] as number), 0) + (group.includes(1) && group.includes(2) ? 10 : 0);

  it('grows the best unit through its interacting neighbour, then joins the phrases into spans', async () => {
    // Worked by hand: the 80th percentile of the unit scores is 5, so units 1 and 5 start; the
    // neighbours score s(1,2) − s(1) = 10, s(0,1) − s(1) = 1, s(4,5) − s(5) = 1, unit 3 keeps 2;
    // with four open units the 49th percentile (1.47) adds units 2 and 3. The two components
    // [1, 2, 3] and [5] then join as the span 1–5, and the root adds unit 0.
    const tree = await agglomerate(functionScorer(score), sequenceUnits(6), { percentileInclude: 80, iterations: 1, absolute: false });
    expect(levelUnits(tree)).toEqual([['0', '1', '2', '3', '4', '5'], ['0', '1-2-3', '4', '5'], ['0', '1-2-3-4-5'], ['0-1-2-3-4-5']]);
    const scores = tree.levels.map((level) => level.map((id) => tree.nodes[id]?.score));
    expect(scores).toEqual([[1, 6, 0, 2, 1, 5], [1, 18, 1, 5], [1, 24], [25]]);
    expect(tree.fullScore).toBe(25);
    expect(hierarchyProblems(tree)).toEqual([]);
  });
});

describe('agglomerate on a grid', () => {
  it('merges components by the best joint gain, reusing the scores of pairs already seen', async () => {
    // Corners of a 4×4 grid score 10, the rest 0; pairs interact: {0, 15} by 7, {3, 12} by 3.
    const corner = new Set([0, 3, 12, 15]);
    const score = (g: FeatureGroup): number =>
      g.reduce((s, f) => s + (corner.has(f) ? 10 : 0), 0) + (g.includes(0) && g.includes(15) ? 7 : 0) + (g.includes(3) && g.includes(12) ? 3 : 0);
    const scorer = functionScorer(score);
    const tree = await agglomerate(scorer, gridUnits({ height: 4, width: 4 }), { percentileInclude: 75, iterations: 0 });
    const merges = tree.levels.slice(1).map((level) => level.map((id) => tree.nodes[id]?.units.join('-')).filter((u) => u?.includes('-')));
    // Gains: {0,15} 17 > {3,12} 13 > any other pair 10; then {3,12} (13, cached) beats 10.
    expect(merges).toEqual([['0-15'], ['0-15', '3-12'], ['0-3-12-15'], ['0-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15']]);
    expect(tree.nodes[tree.root]?.score).toBe(50);
    // 16 units + the full input, 6 corner pairs, then only the 2 pairs with the new node, then 1.
    expect(scorer.cost.forwardPasses).toBe(17 + 6 + 2 + 1);
    expect(hierarchyProblems(tree)).toEqual([]);
  });

  it('nests on random interacting scores, and every node carries its group score', async () => {
    const rng = seededRandom(5);
    const random = (): number => rng.uniform();
    const weights = Array.from({ length: 64 * 3 }, () => random() * 2 - 1);
    const pairs = Array.from({ length: 40 }, () => [Math.floor(random() * 192), Math.floor(random() * 192), random() * 3] as const);
    const score = (g: FeatureGroup): number => {
      const set = new Set(g);
      let s = g.reduce((sum, f) => sum + (weights[f] as number), 0);
      for (const [a, b, v] of pairs) if (set.has(a) && set.has(b)) s += v;
      return s;
    };
    const layout = gridUnits({ height: 8, width: 8, channels: 3, layout: 'chw' });
    const tree = await agglomerate(functionScorer(score), layout, { percentileInclude: 85, iterations: 3 });
    expect(hierarchyProblems(tree)).toEqual([]);
    expect(tree.levels.length).toBeGreaterThan(3);
    for (const node of tree.nodes) {
      expect(node.score).toBeCloseTo(score(node.features), 12);
      expect(node.features.length).toBe(node.units.length * 3);
    }
    expect(tree.nodes[tree.root]?.features.length).toBe(192);
  });
});

describe('units', () => {
  it('covers every channel of a block once, in both channel layouts', () => {
    const chw = gridUnits({ height: 3, width: 5, channels: 2, layout: 'chw' }, 2);
    expect(chw.rows).toBe(2);
    expect(chw.cols).toBe(3);
    expect(chw.features[0]).toEqual([0, 1, 5, 6, 15, 16, 20, 21]);
    expect(chw.features[5]).toEqual([14, 29]);
    const hwc = gridUnits({ height: 3, width: 5, channels: 2, layout: 'hwc' }, 2);
    expect(hwc.features[0]).toEqual([0, 1, 2, 3, 10, 11, 12, 13]);
    expect(new Set(hwc.features.flat()).size).toBe(30);
    expect(sequenceUnits(5, 2, 2).features).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });
});
