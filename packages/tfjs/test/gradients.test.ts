import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { gaussLegendre, integratedGradients, ShapeMismatchError, type Tensor } from '@ig/core';
import { ModelOutputError, tfjsBackend, type TfjsFunction } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { buildIrisMlp, loadReference } from './helpers/reference.js';
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
        relativeDeviation([...(response.gradients[0]?.subarray(k * 3, k * 3 + 3) ?? []), ...(response.gradients[1]?.subarray(k * 2, k * 2 + 2) ?? [])], [...da, ...db]),
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

describe('LayersModel', () => {
  test('input gradients of the iris MLP equal its closed form Σⱼ W₂[1,j]·[h_j > 0]·W₀[j,:] in float64', async () => {
    const model = buildIrisMlp();
    const backend = tfjsBackend(model);
    const x = [5.1, 3.5, 1.4, 0.2];
    const target = [0, 1, 0];
    const w0 = loadReference('weights/iris_mlp/net.0.weight.npy').data; // [16, 4]
    const b0 = loadReference('weights/iris_mlp/net.0.bias.npy').data;
    const w2 = loadReference('weights/iris_mlp/net.2.weight.npy').data; // [3, 16]
    const active = Array.from({ length: 16 }, (_, j) => x.reduce((s, v, i) => s + (w0[j * 4 + i] as number) * v, b0[j] as number) > 0);
    const expected = x.map((_, i) => active.reduce((s, on, j) => (on ? s + (w2[16 + j] as number) * (w0[j * 4 + i] as number) : s), 0));
    const response = await backend.gradients({
      points: [Float32Array.from(x)],
      pointShapes: [[4]],
      count: 1,
      outputWeights: Float32Array.from(target),
    });
    const deviation = relativeDeviation(response.gradients[0] ?? [], expected);
    measure('iris gradient', { deviation });
    // float32 against float64: measured 1.7e-8 of max |gradient|
    expect(deviation).toBeLessThan(1.5e-7);
    model.dispose();
  });

  test('a model with two inputs: gradients and IG equal a float64 evaluation of its weights', async () => {
    const a = tf.input({ shape: [3] });
    const b = tf.input({ shape: [2] });
    const merged = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
    const hiddenLayer = tf.layers.dense({ units: 6, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ seed: 11 }), biasInitializer: tf.initializers.randomNormal({ seed: 13 }) });
    const outLayer = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: 12 }) });
    const out = outLayer.apply(hiddenLayer.apply(merged) as tf.SymbolicTensor);
    const model = tf.model({ inputs: [a, b], outputs: out as tf.SymbolicTensor });
    const backend = tfjsBackend(model);
    const [k1, c1] = hiddenLayer.getWeights().map((w) => w.dataSync() as Float32Array) as [Float32Array, Float32Array]; // [5, 6], [6]
    const [k2, c2] = outLayer.getWeights().map((w) => w.dataSync() as Float32Array) as [Float32Array, Float32Array]; // [6, 2], [2]
    // F(v) = Σⱼ K₂[j,1]·tanh(c₁ⱼ + Σᵢ vᵢK₁[i,j]) + c₂₁ and ∂F/∂vᵢ = Σⱼ K₂[j,1]·(1 − tanh²)·K₁[i,j], in float64.
    const hidden = (v: number[]): number[] => Array.from({ length: 6 }, (_, j) => Math.tanh(v.reduce((s, vi, i) => s + vi * (k1[i * 6 + j] as number), c1[j] as number)));
    const f = (v: number[]): number => hidden(v).reduce((s, h, j) => s + h * (k2[j * 2 + 1] as number), c2[1] as number);
    const gradient = (v: number[]): number[] => {
      const h = hidden(v);
      return v.map((_, i) => h.reduce((s, hj, j) => s + (k2[j * 2 + 1] as number) * (1 - hj * hj) * (k1[i * 6 + j] as number), 0));
    };
    const point = [0.4, -0.3, 1.1, 0.7, -0.9];
    const response = await backend.gradients({
      points: [Float32Array.from(point.slice(0, 3)), Float32Array.from(point.slice(3))],
      pointShapes: [[3], [2]],
      count: 1,
      outputWeights: Float32Array.from([0, 1]),
    });
    const gradientDeviation = relativeDeviation([...(response.gradients[0] ?? []), ...(response.gradients[1] ?? [])], gradient(point));

    const result = await integratedGradients(
      backend,
      [
        { data: Float32Array.from(point.slice(0, 3)), shape: [1, 3] },
        { data: Float32Array.from(point.slice(3)), shape: [1, 2] },
      ],
      { target: 1, steps: 32 },
    );
    expect(result.attributions.map((t) => t.shape)).toEqual([[1, 3], [1, 2]]);
    // The same 32 Gauss–Legendre nodes over the float64 gradient, from the zero baseline.
    const rule = gaussLegendre(32);
    const expected = point.map((v, i) => v * rule.alphas.reduce((s, alpha, k) => s + (rule.weights[k] as number) * (gradient(point.map((p) => alpha * p))[i] as number), 0));
    const attributions = [...(result.attributions[0]?.data ?? []), ...(result.attributions[1]?.data ?? [])];
    const report = result.reports[0];
    const zero = point.map(() => 0);
    const measured = {
      gradient: gradientDeviation,
      attributions: relativeDeviation(attributions, expected),
      logits: Math.max(Math.abs((report?.fInput ?? NaN) - f(point)), Math.abs((report?.fBaseline ?? NaN) - f(zero))) / Math.abs(f(point)),
    };
    measure('two-input model', measured);
    // float32 against float64: measured 4.0e-8, 3.6e-8 (of max |·|) and 2.2e-9 (of |F(x)|; one
    // float32 ulp is 6e-8, so the logit bound is a few ulps rather than 10× a lucky measurement)
    expect(measured.gradient).toBeLessThan(3e-7);
    expect(measured.attributions).toBeLessThan(3e-7);
    expect(measured.logits).toBeLessThan(3e-7);
    model.dispose();
  });

  test('a two-headed model explains the head chosen by index or by name, and asks for a choice otherwise', async () => {
    const input = tf.input({ shape: [4] });
    // seeded, so the measured delta below is the same on every run
    const seeded = (seed: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 100, stddev: 0.1 }) });
    const hidden = tf.layers.dense({ units: 8, activation: 'tanh', name: 'hidden', ...seeded(11) }).apply(input) as tf.SymbolicTensor;
    const first = tf.layers.dense({ units: 3, name: 'first', ...seeded(12) }).apply(hidden) as tf.SymbolicTensor;
    const second = tf.layers.dense({ units: 2, name: 'second', ...seeded(13) }).apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [first, second] });
    const secondOnly = tf.model({ inputs: input, outputs: second });
    const x: Tensor = { data: Float32Array.from([0.5, -1, 2, 0.1]), shape: [1, 4] };

    const byIndex = await integratedGradients(tfjsBackend(model, { output: 1 }), x, { target: 1 });
    const byName = await integratedGradients(tfjsBackend(model, { output: 'second' }), x, { target: 1 });
    const single = await integratedGradients(tfjsBackend(secondOnly), x, { target: 1 });
    expect(Array.from(byIndex.attributions[0]?.data ?? [])).toEqual(Array.from(single.attributions[0]?.data ?? []));
    expect(Array.from(byName.attributions[0]?.data ?? [])).toEqual(Array.from(single.attributions[0]?.data ?? []));
    // Gauss–Legendre 50 on a smooth tanh head: the delta is float32 rounding, measured against |F(x)| + |F(x′)|
    const report = byIndex.reports[0];
    const delta = Math.abs(report?.delta ?? 1) / (Math.abs(report?.fInput ?? 0) + Math.abs(report?.fBaseline ?? 0));
    measure('two heads', { delta });
    // measured 5.4e-9 with these seeds (one float32 ulp of F is 6e-8 relative)
    expect(delta).toBeLessThan(6e-8);

    await expect(integratedGradients(tfjsBackend(model), x, { target: 0 })).rejects.toThrow(ModelOutputError);
    await expect(integratedGradients(tfjsBackend(model), x, { target: 0 })).rejects.toThrow(/2 outputs \[first.*second/);
    await expect(integratedGradients(tfjsBackend(model, { output: 'third' }), x, { target: 0 })).rejects.toThrow(/no output named 'third'/);
    model.dispose();
  });

  test('a point shape that does not fit the model is a ShapeMismatchError naming both shapes', async () => {
    const model = buildIrisMlp();
    const x: Tensor = { data: new Float32Array(5), shape: [1, 5] };
    const run = integratedGradients(tfjsBackend(model), x, { target: 0 });
    await expect(run).rejects.toThrow(ShapeMismatchError);
    await expect(integratedGradients(tfjsBackend(model), x, { target: 0 })).rejects.toThrow(/\[N, 4\].*\[\d+, 5\]/);
    model.dispose();
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
