import { describe, expect, it } from 'vitest';
import {
  checkAxioms,
  functionBackend,
  inputXGradient,
  integratedGradients,
  occlusionScorer,
  saliency,
  smoothIntegratedGradients,
  tensor,
  type GradientBackend,
  type IntegrateRequest,
} from '../src/index.js';

// F(x; example e) = Σᵢ c[e][i]·xᵢ²: a model with a value of its own per example (a mask, a
// length), which only the example index of each point tells apart. Along the straight path
// from b the integrand is linear in α, so IGᵢ = c[e][i]·(xᵢ² − bᵢ²) exactly.
const weights = [
  [1, 0, 2],
  [0.5, -1, 0],
  [0, 3, -0.25],
];
const x = tensor([1, 2, -0.5, -1, 0.5, 2, 0.25, -2, 1.5], [3, 3]);
const baseline = tensor([0.2, 0.2, 0.2], [1, 3]);
const at = (values: Float32Array, e: number, i: number): number => values[e * 3 + i] as number;
const ig = (e: number, i: number): number => (weights[e]?.[i] as number) * (at(x.data, e, i) ** 2 - (baseline.data[i] as number) ** 2);
const expectedIG = [0, 1, 2].flatMap((e) => [0, 1, 2].map((i) => ig(e, i)));

function perExampleModel(seen: number[] = []): GradientBackend {
  return functionBackend({
    forward: (point, example) => {
      seen.push(example);
      const c = weights[example] as number[];
      return [c.reduce((s, ci, i) => s + ci * (point[0]?.[i] as number) ** 2, 0)];
    },
    gradient: (point, outputWeights, example) => {
      seen.push(example);
      const c = weights[example] as number[];
      return [c.map((ci, i) => (outputWeights[0] as number) * 2 * ci * (point[0]?.[i] as number))];
    },
  });
}

/** The same model with a fused `integrate` that reads the segment's example. */
function fusedPerExampleModel(segments: number[]): GradientBackend {
  const base = perExampleModel();
  return {
    ...base,
    integrate: async (request: IntegrateRequest) => {
      const example = request.exampleIndex ?? -1;
      segments.push(example);
      const c = weights[example] as number[];
      const xs = request.input[0] as Float32Array;
      const bs = request.baseline[0] as Float32Array;
      const sum = new Float32Array(3);
      request.alphas.forEach((alpha, k) => {
        for (let i = 0; i < 3; i++) {
          const point = (bs[i] as number) + alpha * ((xs[i] as number) - (bs[i] as number));
          sum[i] = (sum[i] as number) + (request.weights[k] as number) * (request.outputWeights[0] as number) * 2 * (c[i] as number) * point;
        }
      });
      return { gradientSums: [sum] };
    },
  };
}

const maxError = (actual: Float32Array, expected: readonly number[]): number => Math.max(...expected.map((v, k) => Math.abs((actual[k] as number) - v)));

describe('a value per example: each path point is fed its own example', () => {
  // batchSize 4 with 7 or more points per path: most batches hold points of two examples.
  for (const steps of [7, 'auto'] as const) {
    it(`integratedGradients, steps ${steps}, batches mixing examples, equal the closed form of each example`, async () => {
      const seen: number[] = [];
      const result = await integratedGradients(perExampleModel(seen), x, { baselines: baseline, steps, batchSize: 4 });
      // float32 sums of exact quadrature: measured 4.8e-7
      expect(maxError(result.attributions[0]?.data as Float32Array, expectedIG)).toBeLessThan(2e-6);
      expect(new Set(seen)).toEqual(new Set([0, 1, 2]));
    });
  }

  it('the nested rule and an averaged baseline see the same examples', async () => {
    const baselines = { average: [tensor([0.2, 0.2, 0.2], [1, 3]), tensor([0.2, 0.2, 0.2], [1, 3])] };
    const result = await integratedGradients(perExampleModel(), x, { baselines, steps: 'auto', autoRule: 'nested', batchSize: 5 });
    expect(maxError(result.attributions[0]?.data as Float32Array, expectedIG)).toBeLessThan(2e-6);
  });

  it('a fused backend is told the example of each segment', async () => {
    const segments: number[] = [];
    const result = await integratedGradients(fusedPerExampleModel(segments), x, { baselines: baseline, steps: 8 });
    expect(maxError(result.attributions[0]?.data as Float32Array, expectedIG)).toBeLessThan(2e-6);
    expect(segments).toEqual([0, 1, 2]);
  });

  it('saliency and input × gradient read each example’s gradient 2·c·x', async () => {
    const gradient = [0, 1, 2].flatMap((e) => [0, 1, 2].map((i) => 2 * (weights[e]?.[i] as number) * at(x.data, e, i)));
    const s = await saliency(perExampleModel(), x, { batchSize: 2 });
    const ixg = await inputXGradient(perExampleModel(), x, { batchSize: 2 });
    expect(maxError(s.attributions[0]?.data as Float32Array, gradient)).toBeLessThan(1e-6);
    expect(
      maxError(
        ixg.attributions[0]?.data as Float32Array,
        gradient.map((g, k) => g * (x.data[k] as number)),
      ),
    ).toBeLessThan(1e-6);
  });

  it('smoothIntegratedGradients keeps each noisy copy with its example', async () => {
    const result = await smoothIntegratedGradients(perExampleModel(), x, { baselines: baseline, steps: 7, samples: 2, stdev: 0, batchSize: 4 });
    expect(maxError(result.attributions[0]?.data as Float32Array, expectedIG)).toBeLessThan(2e-6);
  });

  it('a point of a call that names no example is example 0', async () => {
    const y = await perExampleModel().predict({ points: [Float32Array.from([1, 1, 1])], pointShapes: [[3]], count: 1 });
    expect(Array.from(y)).toEqual([3]);
  });

  it('work on one example (group scores, axioms) feeds every variant that example’s values', async () => {
    const seen: number[] = [];
    const one = tensor([1, 2, -0.5], [1, 3]);
    const scorer = await occlusionScorer({ backend: perExampleModel(seen), input: one, baseline: 0.2, target: 0, batchSize: 2 });
    const scores = await scorer.score([[0], [1], [2], [0, 2]]);
    // Occlusion of group g: Σ_{i∈g} c[0][i]·(xᵢ² − 0.2²).
    const occluded = (group: number[]): number => group.reduce((s, i) => s + (weights[0]?.[i] as number) * ((one.data[i] as number) ** 2 - 0.04), 0);
    expect(maxError(Float32Array.from(scores), [[0], [1], [2], [0, 2]].map(occluded))).toBeLessThan(1e-6);
    const axioms = await checkAxioms(perExampleModel(seen), one, { baselines: baseline, steps: 7, target: 0 });
    expect(axioms.passed).toBe(true);
    expect(new Set(seen)).toEqual(new Set([0]));
  });
});
