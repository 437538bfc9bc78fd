import { describe, expect, it } from 'vitest';
import {
  functionBackend,
  layerIntegratedGradients,
  ShapeMismatchError,
  tensorExample,
  tensorExamples,
  TargetError,
  type LayerSplit,
  type Tensor,
} from '../src/index.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

// Activations h = A·x (linear); a second input z bypasses the layer. Outputs:
//   F₀(h, z) = ½ hᵀQh + cᵀh + (dᵀz)(eᵀh)     F₁(h, z) = gᵀh
// ∂F₀/∂h = Qh + c + (dᵀz)e is linear along the straight path in h, so layer IG is exact in
// closed form: attrⱼ = Δhⱼ · (Q·(h′ + Δh/2) + c + (dᵀz)e)ⱼ, and attrⱼ = Δhⱼ·gⱼ for F₁.
const A = [
  [0.6, -0.3, 1.1],
  [-0.8, 0.5, 0.2],
  [0.4, 0.9, -0.7],
  [1.3, -0.2, 0.5],
];
const Q = [
  [1.2, 0.3, -0.4, 0.1],
  [0.3, -0.9, 0.6, 0.2],
  [-0.4, 0.6, 0.7, -0.5],
  [0.1, 0.2, -0.5, 1.4],
];
const c = [0.2, -0.6, 0.9, 0.3];
const d = [0.7, -1.1];
const e = [0.5, 0.4, -0.3, 0.8];
const g = [-0.4, 1.5, 0.6, -0.9];

const dot = (u: readonly number[], v: ArrayLike<number>): number => u.reduce((s, ui, i) => s + ui * (v[i] as number), 0);
const layerOf = (x: ArrayLike<number>): number[] => A.map((row) => dot(row, x));

const head = functionBackend(
  {
    forward: ([h, z]) => {
      const hv = Array.from(h as Float32Array);
      return [
        0.5 *
          dot(
            hv,
            Q.map((row) => dot(row, hv)),
          ) +
          dot(c, hv) +
          dot(d, z as Float32Array) * dot(e, hv),
        dot(g, hv),
      ];
    },
    gradient: ([h, z], weights) => {
      const hv = Array.from(h as Float32Array);
      const scale = dot(d, z as Float32Array);
      const w0 = weights[0] as number;
      const w1 = weights[1] as number;
      const dh = Q.map((row, j) => w0 * (dot(row, hv) + (c[j] as number) + scale * (e[j] as number)) + w1 * (g[j] as number));
      const dz = d.map((dk) => w0 * dk * dot(e, hv));
      return [dh, dz];
    },
  },
  'quadratic head',
);

/** Inputs are [x, z]; the layer is A·x and the head reads z as it is. */
const split: LayerSplit = {
  layer: 'A·x',
  examples: tensorExamples,
  example: tensorExample,
  activation: async ([x]) => ({ data: Float32Array.from(layerOf((x as Tensor).data)), shape: [1, 4] }),
  head: async ([, z]) => ({ backend: head, held: [z as Tensor], release: () => undefined }),
};

const x: Tensor = { data: Float32Array.from([0.9, -1.3, 0.4, -0.5, 0.8, 1.6]), shape: [2, 3] };
const z: Tensor = { data: Float32Array.from([0.3, -0.7, 1.2, 0.4]), shape: [2, 2] };
const xBaseline: Tensor = { data: Float32Array.from([0.1, 0.2, -0.3]), shape: [1, 3] };
const zBaseline: Tensor = { data: Float32Array.from([5, 5]), shape: [1, 2] };

function expected(example: number, target: number): number[] {
  const h = layerOf(x.data.subarray(example * 3, example * 3 + 3));
  const hb = layerOf(xBaseline.data);
  const mid = h.map((hj, j) => ((hb[j] as number) + hj) / 2);
  const scale = dot(d, z.data.subarray(example * 2, example * 2 + 2));
  return h.map((hj, j) => {
    const slope = target === 0 ? dot(Q[j] as number[], mid) + (c[j] as number) + scale * (e[j] as number) : (g[j] as number);
    return (hj - (hb[j] as number)) * slope;
  });
}

/** float32 against float64 (IG_MEASURE=1 prints it): measured 3.0e-8 of max |attr| (attr), 1.1e-7 (delta); bounds about 6× that. */
const TOLERANCE = { attr: 2e-7, delta: 6e-7 };

describe('layerIntegratedGradients on a LayerSplit', () => {
  it('equals the closed form of a quadratic head on linear activations, with per-example targets and a held input', async () => {
    // zBaseline is far from z: a held input must keep the example's value, not the baseline's.
    const result = await layerIntegratedGradients(split, [x, z], { baselines: [xBaseline, zBaseline], target: [0, 1], steps: 3 });
    expect(result.attribution.shape).toEqual([2, 4]);
    expect(result.layerInput.shape).toEqual([2, 4]);
    expect(result.layerBaseline.shape).toEqual([2, 4]);
    const truth = [...expected(0, 0), ...expected(1, 1)];
    const scale = Math.max(...truth.map(Math.abs));
    const attr = relativeDeviation(result.attribution.data, truth);
    expect(Array.from(result.layerInput.data)).toEqual(Array.from(Float32Array.from([...layerOf(x.data.subarray(0, 3)), ...layerOf(x.data.subarray(3))])));
    expect(Array.from(result.layerBaseline.data.subarray(4))).toEqual(Array.from(Float32Array.from(layerOf(xBaseline.data))));
    expect(result.reports.map((r) => [r.example, r.target])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    const delta = Math.max(...result.reports.map((r) => Math.abs(r.delta))) / scale;
    measure('quadratic head on linear layer', { attr, delta });
    expect(attr).toBeLessThan(TOLERANCE.attr);
    expect(delta).toBeLessThan(TOLERANCE.delta);
    expect(result.gradientEvaluations).toBeGreaterThan(0);
    expect(result.backend).toBe('quadratic head');
  });

  it('spreads a weight row per example to its own example', async () => {
    const weights = [1, 0, 0, 1];
    const result = await layerIntegratedGradients(split, [x, z], { baselines: [xBaseline, zBaseline], target: { weights }, steps: 3 });
    const attr = relativeDeviation(result.attribution.data, [...expected(0, 0), ...expected(1, 1)]);
    expect(attr).toBeLessThan(TOLERANCE.attr);
  });

  it("takes 'predicted' per example: the head's largest output at that example's activation", async () => {
    const outputs = [0, 1].map((n) => {
      const h = layerOf(x.data.subarray(n * 3, n * 3 + 3));
      const zn = z.data.subarray(n * 2, n * 2 + 2);
      return [
        0.5 *
          dot(
            h,
            Q.map((row) => dot(row, h)),
          ) +
          dot(c, h) +
          dot(d, zn) * dot(e, h),
        dot(g, h),
      ];
    });
    const predicted = outputs.map((o) => ((o[1] as number) > (o[0] as number) ? 1 : 0));
    const result = await layerIntegratedGradients(split, [x, z], { baselines: [xBaseline, zBaseline], target: 'predicted', steps: 3 });
    expect(result.reports.map((r) => r.target)).toEqual(predicted);
    const attr = relativeDeviation(result.attribution.data, [...expected(0, predicted[0] as number), ...expected(1, predicted[1] as number)]);
    expect(attr).toBeLessThan(TOLERANCE.attr);
  });

  it('refuses baselines for a different number of examples, no examples, and a target list of the wrong length', async () => {
    const three: Tensor = { data: new Float32Array(9), shape: [3, 3] };
    const zThree: Tensor = { data: new Float32Array(6), shape: [3, 2] };
    await expect(layerIntegratedGradients(split, [x, z], { baselines: [three, zThree], target: 0 })).rejects.toThrow(ShapeMismatchError);
    const none: Tensor = { data: new Float32Array(0), shape: [0, 3] };
    await expect(layerIntegratedGradients(split, [none], { baselines: [xBaseline], target: 0 })).rejects.toThrow(/needs at least one example/);
    await expect(layerIntegratedGradients(split, [x, z], { baselines: [xBaseline, zBaseline], target: [0, 1, 1] })).rejects.toThrow(TargetError);
  });

  it('names the layer when its activation changes shape between input and baseline', async () => {
    const ragged: LayerSplit = {
      ...split,
      activation: async ([t]) => ({ data: new Float32Array((t as Tensor).data.length), shape: [1, (t as Tensor).data.length] }),
    };
    const baseline: Tensor = { data: new Float32Array(2), shape: [1, 2] };
    await expect(layerIntegratedGradients(ragged, [x], { baselines: [baseline], target: 0 })).rejects.toThrow(/layer "A·x" has shape \[1, 3\]/);
  });
});
