import { describe, expect, it } from 'vitest';
import {
  agglomerate,
  buildUpScorer,
  functionBackend,
  groupPathIntegratedGradientsScorer,
  gridUnits,
  InvalidOptionError,
  integratedGradients,
  integratedGradientsScorer,
  occlusionScorer,
  ShapeMismatchError,
  TargetError,
  tensor,
  type GradientBackend,
} from '../../src/index.js';

// A 2×3 "image" model with two outputs: y0 = Σ aᵢxᵢ² + x0·x4, y1 = Σ bᵢxᵢ.
const a = [0.5, -1, 2, 0.25, 1.5, -0.75];
const b = [1, 2, -1, 0.5, 0, 3];
const forward = (x: Float32Array): number[] => {
  let y0 = (x[0] as number) * (x[4] as number);
  let y1 = 0;
  x.forEach((v, i) => {
    y0 += (a[i] as number) * v * v;
    y1 += (b[i] as number) * v;
  });
  return [y0, y1];
};

function countingBackend(): { backend: GradientBackend; predictCalls: number[] } {
  const predictCalls: number[] = [];
  const inner = functionBackend({
    forward: ([x]) => forward(x as Float32Array),
    gradient: ([x], w) => {
      const p = x as Float32Array;
      const g = p.map((v, i) => (w[0] as number) * 2 * (a[i] as number) * v + (w[1] as number) * (b[i] as number));
      g[0] = (g[0] as number) + (w[0] as number) * (p[4] as number);
      g[4] = (g[4] as number) + (w[0] as number) * (p[0] as number);
      return [g];
    },
  });
  return {
    predictCalls,
    backend: {
      ...inner,
      predict: async (batch) => {
        predictCalls.push(batch.count);
        return inner.predict(batch);
      },
    },
  };
}

const x = tensor([1, -2, 0.5, 3, 1.5, -1], [1, 2, 3]);
const baseline = tensor([0.1, 0.1, 0.1, 0.2, 0.2, 0.2], [1, 2, 3]);
const groups = [[0], [0, 4], [1, 2, 3], [], [0, 1, 2, 3, 4, 5], [5, 2], [4], [3, 0], [2], [1, 5]];
const withGroup = (from: Float32Array, to: Float32Array, group: readonly number[]): Float32Array => {
  const point = Float32Array.from(from);
  for (const f of group) point[f] = to[f] as number;
  return point;
};

describe('group scores', () => {
  it('occlusion is F(x) − F(x with the group at the baseline), in batches of batchSize', async () => {
    const { backend, predictCalls } = countingBackend();
    const scorer = await occlusionScorer({ backend, input: x, baseline, target: 0, batchSize: 4 });
    const scores = await scorer.score(groups);
    const fx = forward(x.data)[0] as number;
    groups.forEach((g, k) => expect(scores[k]).toBeCloseTo(fx - (forward(withGroup(x.data, baseline.data, g))[0] as number), 5));
    // one call for the input and baseline, then ⌈10 / 4⌉ calls for the groups
    expect(predictCalls).toEqual([2, 4, 4, 2]);
    expect(scorer.cost.forwardPasses).toBe(12);
  });

  it('build-up is F(baseline with only the group from x), for a weight-vector target too', async () => {
    const { backend } = countingBackend();
    const scorer = await buildUpScorer({ backend, input: x, baseline: 0.1, target: [0.5, -2] });
    const scores = await scorer.score(groups);
    const zero = new Float32Array(6).fill(0.1);
    groups.forEach((g, k) => {
      const [y0, y1] = forward(withGroup(zero, x.data, g)) as [number, number];
      expect(scores[k]).toBeCloseTo(0.5 * y0 - 2 * y1, 5);
    });
  });

  it('the IG score is the sum of one IG run over the group', async () => {
    const { backend } = countingBackend();
    const scorer = await integratedGradientsScorer({ backend, input: x, baseline, target: 1, steps: 20 });
    const scores = await scorer.score(groups);
    const ig = (await integratedGradients(backend, x, { baselines: baseline, target: 1, steps: 20 })).attributions[0]?.data as Float32Array;
    groups.forEach((g, k) =>
      expect(scores[k]).toBeCloseTo(
        g.reduce((s, f) => s + (ig[f] as number), 0),
        6,
      ),
    );
    // y1 is linear: the attribution of feature i is exactly bᵢ(xᵢ − x′ᵢ)
    expect(scores[2]).toBeCloseTo(
      [1, 2, 3].reduce((s, f) => s + (b[f] as number) * ((x.data[f] as number) - (baseline.data[f] as number)), 0),
      5,
    );
    expect(scorer.cost.gradientEvaluations).toBe(20);
  });

  it('group-path IG equals F(x′ with the group from x) − F(x′) for this quadratic model', async () => {
    // Along a straight path a quadratic objective's gradient is linear in α, which Gauss–Legendre
    // integrates exactly; completeness then holds to float32 rounding.
    const { backend } = countingBackend();
    const scorer = await groupPathIntegratedGradientsScorer({ backend, input: x, baseline, target: 0, steps: 4 });
    const scores = await scorer.score(groups);
    const fb = forward(baseline.data)[0] as number;
    groups.forEach((g, k) => expect(scores[k]).toBeCloseTo((forward(withGroup(baseline.data, x.data, g))[0] as number) - fb, 5));
    expect(scorer.cost.gradientEvaluations).toBe(4 * groups.length);
  });

  it('occlusion and build-up on every node of a tree equal their definitions through predict', async () => {
    const { backend } = countingBackend();
    const layout = gridUnits({ height: 2, width: 3 });
    for (const make of [occlusionScorer, buildUpScorer]) {
      const scorer = await make({ backend, input: x, baseline, target: 0 });
      const tree = await agglomerate(scorer, layout, { percentileInclude: 60, iterations: 2 });
      for (const node of tree.nodes) {
        const [direct] = await backend.predict({
          points: [make === occlusionScorer ? withGroup(x.data, baseline.data, node.features) : withGroup(baseline.data, x.data, node.features)],
          pointShapes: [[2, 3]],
          count: 1,
        });
        const expected = make === occlusionScorer ? (forward(x.data)[0] as number) - (direct as number) : (direct as number);
        expect(node.score).toBeCloseTo(expected, 5);
      }
    }
  });

  it('rejects a batch of examples, a target out of range and a feature outside the input', async () => {
    const { backend } = countingBackend();
    await expect(occlusionScorer({ backend, input: tensor(new Float32Array(12), [2, 2, 3]), target: 0 })).rejects.toThrow(ShapeMismatchError);
    await expect(occlusionScorer({ backend, input: x, target: 2 })).rejects.toThrow(TargetError);
    const scorer = await buildUpScorer({ backend, input: x, target: 0 });
    await expect(scorer.score([[0], [6]])).rejects.toThrow(/group 1 holds feature 6/);
    await expect(scorer.score([[0], [6]])).rejects.toThrow(InvalidOptionError);
  });
});
