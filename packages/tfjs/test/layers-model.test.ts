import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { gaussLegendre, integratedGradients, ShapeMismatchError, type Tensor } from '@ig/core';
import { ModelOutputError, tfjsBackend } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { buildIrisMlp, loadReference } from './helpers/reference.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

beforeAll(async () => {
  await useBackend('cpu');
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
    const hiddenLayer = tf.layers.dense({
      units: 6,
      activation: 'tanh',
      kernelInitializer: tf.initializers.randomNormal({ seed: 11 }),
      biasInitializer: tf.initializers.randomNormal({ seed: 13 }),
    });
    const outLayer = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: 12 }) });
    const out = outLayer.apply(hiddenLayer.apply(merged) as tf.SymbolicTensor);
    const model = tf.model({ inputs: [a, b], outputs: out as tf.SymbolicTensor });
    const backend = tfjsBackend(model);
    const [k1, c1] = hiddenLayer.getWeights().map((w) => w.dataSync() as Float32Array) as [Float32Array, Float32Array]; // [5, 6], [6]
    const [k2, c2] = outLayer.getWeights().map((w) => w.dataSync() as Float32Array) as [Float32Array, Float32Array]; // [6, 2], [2]
    // F(v) = Σⱼ K₂[j,1]·tanh(c₁ⱼ + Σᵢ vᵢK₁[i,j]) + c₂₁ and ∂F/∂vᵢ = Σⱼ K₂[j,1]·(1 − tanh²)·K₁[i,j], in float64.
    const hidden = (v: number[]): number[] =>
      Array.from({ length: 6 }, (_, j) => Math.tanh(v.reduce((s, vi, i) => s + vi * (k1[i * 6 + j] as number), c1[j] as number)));
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
    expect(result.attributions.map((t) => t.shape)).toEqual([
      [1, 3],
      [1, 2],
    ]);
    // The same 32 Gauss–Legendre nodes over the float64 gradient, from the zero baseline.
    const rule = gaussLegendre(32);
    const expected = point.map(
      (v, i) => v * rule.alphas.reduce((s, alpha, k) => s + (rule.weights[k] as number) * (gradient(point.map((p) => alpha * p))[i] as number), 0),
    );
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
    const seeded = (seed: number) => ({
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      biasInitializer: tf.initializers.randomNormal({ seed: seed + 100, stddev: 0.1 }),
    });
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
