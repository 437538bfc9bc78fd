import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { integratedGradients, type Tensor } from '@ig/core';
import { tfjsBackend, type TfjsFunction } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { loadReference } from './helpers/reference.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

const W = [0.7, -1.3, 0.4, 2.1, -0.5, 0.9];

/** Two inputs a [3], b [2] → [tanh(a·W)·b, Σa²] per point, written with tfjs ops. */
const twoInputs: TfjsFunction = (inputs) => {
  const [a, b] = inputs as tf.Tensor[];
  const hidden = tf.tanh(tf.matMul(a as tf.Tensor2D, tf.tensor2d(W, [3, 2])));
  return tf.stack([tf.sum(tf.mul(hidden, b as tf.Tensor), 1), tf.sum(tf.square(a as tf.Tensor), 1)], 1);
};

/** The same function in float64 plain JS, the independent truth for finite differences. */
function twoInputsReference(a: number[], b: number[]): [number, number] {
  let first = 0;
  for (let j = 0; j < 2; j++) {
    let dot = 0;
    for (let i = 0; i < 3; i++) dot += (a[i] as number) * (W[i * 2 + j] as number);
    first += Math.tanh(dot) * (b[j] as number);
  }
  return [first, a.reduce((s, v) => s + v * v, 0)];
}

function centralDifference(f: (values: number[]) => number, at: number[], eps = 1e-5): number[] {
  return at.map((_, i) => {
    const up = [...at];
    const down = [...at];
    up[i] = (up[i] as number) + eps;
    down[i] = (down[i] as number) - eps;
    return (f(up) - f(down)) / (2 * eps);
  });
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('gradients of a plain function with two inputs', () => {
  test('match central finite differences of the float64 reference for every point and output weight', async () => {
    const backend = tfjsBackend(twoInputs);
    const aPoints = [
      [0.3, -0.8, 1.2],
      [-1.1, 0.5, 0.05],
    ];
    const bPoints = [
      [1.5, -0.7],
      [0.2, 2.0],
    ];
    const outputWeights = [0.6, -1.4, 2.0, 0.5];
    const response = await backend.gradients({
      points: [Float32Array.from(aPoints.flat()), Float32Array.from(bPoints.flat())],
      pointShapes: [[3], [2]],
      count: 2,
      outputWeights: Float32Array.from(outputWeights),
    });
    const deviations = { objective: 0, gradient: 0 };
    for (let k = 0; k < 2; k++) {
      const a = aPoints[k] as number[];
      const b = bPoints[k] as number[];
      const weight = outputWeights.slice(k * 2, k * 2 + 2);
      const objective = (av: number[], bv: number[]): number => {
        const [o0, o1] = twoInputsReference(av, bv);
        return (weight[0] as number) * o0 + (weight[1] as number) * o1;
      };
      deviations.objective = Math.max(deviations.objective, relativeDeviation([response.objective[k] as number], [objective(a, b)]));
      const da = centralDifference((v) => objective(v, b), a);
      const db = centralDifference((v) => objective(a, v), b);
      deviations.gradient = Math.max(
        deviations.gradient,
        relativeDeviation(
          [...(response.gradients[0]?.subarray(k * 3, k * 3 + 3) ?? []), ...(response.gradients[1]?.subarray(k * 2, k * 2 + 2) ?? [])],
          [...da, ...db],
        ),
      );
    }
    measure('two inputs', deviations);
    // float32 against float64 (the float64 central difference is good to 1e-10): measured
    // 8.6e-8 (objective) and 2.2e-8 of max |gradient|
    expect(deviations.objective).toBeLessThan(5e-7);
    expect(deviations.gradient).toBeLessThan(2e-7);
  });

  test('fused integrate equals the weighted sum of unfused gradients along the path', async () => {
    const backend = tfjsBackend(twoInputs);
    const input = [Float32Array.from([0.3, -0.8, 1.2]), Float32Array.from([1.5, -0.7])];
    const baseline = [Float32Array.from([0.1, 0.1, -0.2]), Float32Array.from([0, 0.4])];
    const alphas = Float32Array.from([0.1, 0.45, 0.9]);
    const weights = Float32Array.from([0.2, 0.5, 0.3]);
    const outputWeights = Float32Array.from([1, -0.5]);
    const fused = await backend.integrate?.({ input, baseline, pointShapes: [[3], [2]], alphas, weights, outputWeights });
    const points = input.map((x, i) => {
      const out = new Float32Array(alphas.length * x.length);
      alphas.forEach((alpha, k) => x.forEach((v, j) => (out[k * x.length + j] = (baseline[i]?.[j] as number) + alpha * (v - (baseline[i]?.[j] as number)))));
      return out;
    });
    const unfused = await backend.gradients({
      points,
      pointShapes: [[3], [2]],
      count: 3,
      outputWeights: Float32Array.from([1, -0.5, 1, -0.5, 1, -0.5]),
    });
    let worst = 0;
    let scale = 0;
    input.forEach((x, i) => {
      for (let j = 0; j < x.length; j++) {
        let expected = 0;
        for (let k = 0; k < 3; k++) expected += (weights[k] as number) * (unfused.gradients[i]?.[k * x.length + j] as number);
        worst = Math.max(worst, Math.abs((fused?.gradientSums[i]?.[j] as number) - expected));
        scale = Math.max(scale, Math.abs(expected));
      }
    });
    measure('fused', { sums: worst / scale });
    // the fused kernel sums the same float32 gradients in another order: measured 8.8e-8
    expect(worst / scale).toBeLessThan(5e-7);
  });

  test('an input the output does not depend on gets zero gradients', async () => {
    const backend = tfjsBackend((inputs) => tf.sum(tf.square((inputs as tf.Tensor[])[0] as tf.Tensor), 1, true));
    const response = await backend.gradients({
      points: [Float32Array.from([1, 2]), Float32Array.from([5])],
      pointShapes: [[2], [1]],
      count: 1,
      outputWeights: Float32Array.from([1]),
    });
    expect(Array.from(response.gradients[0] ?? [])).toEqual([2, 4]);
    expect(Array.from(response.gradients[1] ?? [])).toEqual([0]);
  });
});

describe('plain function', () => {
  test('IG of f(x) = Σ c·x² has the closed form c·(x² − x′²) per feature', async () => {
    const c = [0.5, -2, 3];
    const f: TfjsFunction = (x) => tf.sum(tf.mul(tf.square(x as tf.Tensor), tf.tensor1d(c)), 1, true);
    const input: Tensor = { data: Float32Array.from([1.5, -0.5, 2]), shape: [1, 3] };
    const baseline: Tensor = { data: Float32Array.from([0.5, 0.5, -1]), shape: [1, 3] };
    const result = await integratedGradients(tfjsBackend(f), input, { baselines: baseline, steps: 8 });
    const expected = c.map((ci, i) => ci * ((input.data[i] as number) ** 2 - (baseline.data[i] as number) ** 2));
    const deviation = relativeDeviation(result.attributions[0]?.data ?? [], expected);
    measure('plain function', { deviation });
    // Gauss–Legendre 8 is exact for the quadratic: float32 rounding, measured 6.6e-9 of max
    // |attr| (one ulp is 6e-8 relative, so the bound is a few ulps)
    expect(deviation).toBeLessThan(3e-7);
  });

  test('a function that drops the batch axis is a ModelOutputError', async () => {
    const f: TfjsFunction = (x) => tf.sum(x as tf.Tensor);
    const input: Tensor = { data: Float32Array.from([1, 2]), shape: [1, 2] };
    await expect(integratedGradients(tfjsBackend(f), input, {})).rejects.toThrow(/batch of \d+ points in dim 0/);
  });
});

test('reference inputs load with the expected shapes', () => {
  expect(loadReference('data/iris_mlp/input_batch3.npy').shape).toEqual([3, 4]);
});
