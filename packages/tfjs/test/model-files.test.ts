import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { integratedGradients, type Tensor } from '@ig/core';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';
import { tfjsBackend, UnsupportedModelError } from '../src/index.js';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import { gradientDeviation } from './helpers/coverage-checks.js';
import { evaluateModel } from './helpers/float64-graph.js';
import type { Array64 } from './helpers/float64-math.js';
import { modelFiles, saveModelFiles } from './helpers/model-files.js';
import { mergeLayers } from './helpers/sweep-functional-models.js';
import { pointOf } from './helpers/unseen-models.js';

/** A hand-written TF GraphDef (format graph-model): x [N, 3] → MatMul → BiasAdd → Relu → MatMul → BiasAdd 'logits' [N, 2]. */
const GRAPH_MODEL = fileURLToPath(new URL('./fixtures/graph-mlp/model.json', import.meta.url));
const X = [1, -0.5, 0.8];

/**
 * The fixture's IG in closed form, float64 from the float32 weights in its .bin: no relu changes
 * sign along the path from zero for this x (each z_j + b_j has the sign of b_j), so the gradient is
 * constant, Σ_{j active} W1[i, j]·W2[j, t], and attribution i is x_i times it.
 */
function graphModelTruth(target: number): { gradient: number[]; attributions: number[]; change: number } {
  const bin = readFileSync(join(GRAPH_MODEL, '..', 'weights.bin'));
  const w = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const [w1, b1, w2] = [w.subarray(0, 12), w.subarray(12, 16), w.subarray(16, 24)];
  const z = [0, 1, 2, 3].map((j) => X.reduce((s, v, i) => s + v * (w1[i * 4 + j] as number), 0));
  const active = z.map((v, j) => v + (b1[j] as number) > 0);
  expect(active).toEqual(Array.from(b1, (b) => b > 0));
  const gradient = X.map((_, i) => [0, 1, 2, 3].reduce((s, j) => (active[j] ? s + (w1[i * 4 + j] as number) * (w2[j * 2 + target] as number) : s), 0));
  const attributions = X.map((v, i) => v * (gradient[i] as number));
  const relu = (scale: number): number[] => z.map((v, j) => Math.max(scale * v + (b1[j] as number), 0));
  const logit = (scale: number): number => relu(scale).reduce((s, h, j) => s + h * (w2[j * 2 + target] as number), 0);
  return { gradient, attributions, change: logit(1) - logit(0) };
}

describe.each(NODE_BACKENDS)('model.json files on disk, tfjs %s', (backendName) => {
  test('a hand-written graph-model GraphDef with weights in a .bin: IG equals the closed form and is complete', async () => {
    await useBackend(backendName);
    const model = await tf.loadGraphModel(modelFiles(GRAPH_MODEL));
    const truth = graphModelTruth(1);
    const backend = tfjsBackend(model);
    const response = await backend.gradients({ points: [Float32Array.from(X)], pointShapes: [[3]], count: 1, outputWeights: Float32Array.of(0, 1) });
    const result = await integratedGradients(backend, { data: Float32Array.from(X), shape: [1, 3] }, { target: 1, steps: 8 });
    const measured = {
      gradient: relativeDeviation(response.gradients[0] ?? [], truth.gradient),
      attributions: relativeDeviation(result.attributions[0]?.data ?? [], truth.attributions),
      completeness: Math.abs((result.reports[0]?.attributionSum ?? NaN) - truth.change) / Math.abs(truth.change),
    };
    measure(`${backendName} graph-model file`, measured);
    // float32 sums of 4 products against float64: measured ≤ 5.7e-8 of max |·| on both backends
    expect(measured.gradient).toBeLessThan(3e-7);
    expect(measured.attributions).toBeLessThan(3e-7);
    expect(measured.completeness).toBeLessThan(3e-7);
    model.dispose();
  });

  test('a layers model saved to model.json + weights.bin and loaded back gives the same attributions and the float64 gradient', async () => {
    await useBackend(backendName);
    const { model, shapes } = mergeLayers();
    const file = await saveModelFiles(model, mkdtempSync(join(tmpdir(), 'ig-tfjs-files-')));
    const loaded = await tf.loadLayersModel(modelFiles(file));
    const inputs: Tensor[] = shapes.map((shape, k) => ({ data: pointOf(shape, k), shape: [1, ...shape] }));
    const before = await integratedGradients(tfjsBackend(model), inputs, { target: 2, steps: 32 });
    const after = await integratedGradients(tfjsBackend(loaded), inputs, { target: 2, steps: 32 });
    expect(after.attributions.map((a) => Array.from(a.data))).toEqual(before.attributions.map((a) => Array.from(a.data)));
    const deviation = await gradientDeviation(tfjsBackend(loaded), shapes, 2, (xs: readonly Array64[]) => evaluateModel(loaded, xs)[0]?.data[2] as number);
    measure(`${backendName} reloaded merge model gradient`, { deviation });
    // the same weights as the sweep's merge case: measured 5.5e-8 (cpu), 6.5e-8 (wasm)
    expect(deviation).toBeLessThan(6e-7);
    model.dispose();
    loaded.dispose();
  });

  test('a Softmax layer on a non-last axis, which tfjs cannot run, is an UnsupportedModelError naming it', async () => {
    await useBackend(backendName);
    const model = tf.sequential({ layers: [tf.layers.softmax({ inputShape: [3, 4], axis: 1 }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] });
    const x: Tensor = { data: pointOf([3, 4]), shape: [1, 3, 4] };
    const error: unknown = await integratedGradients(tfjsBackend(model), x, { target: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedModelError);
    expect((error as Error).message).toMatch(/LayersModel '\w+' cannot run in tfjs 4\.\d+\.\d+: Softmax along a non-last dimension is not yet supported/);
    model.dispose();
  });
});
