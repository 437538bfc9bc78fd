import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { layerIntegratedGradients, tensor } from '@ig/core';
import { captumModelBytes } from '@ig/test-fixtures';
import { buildGradientModel, encodeModel, inferShapes } from '../src/index.js';
import { onnxLayerBackend } from '../src/node.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

const model = captumModelBytes('small_cnn');

// The README's snippets, run against the reference CNN.
describe('README examples', () => {
  it('the gradient graph snippet', async () => {
    const data = uniform(rng(11), 784, 0, 1);
    const feeds = { input: new ort.Tensor('float32', data, [1, 1, 28, 28]) };
    const facts = await inferShapes(ort, model, feeds);
    const grad = buildGradientModel(model, { facts });
    const session = await ort.InferenceSession.create(encodeModel(grad.model));
    const seed = Float32Array.from({ length: 10 }, (_, i) => (i === 3 ? 1 : 0));
    const out = await session.run({ ...feeds, ig_seed: new ort.Tensor('float32', seed, grad.outputShape ?? [1, 10]) });
    expect(grad.outputShape).toEqual([1, 10]);
    expect(out['ig_grad_input']?.dims).toEqual([1, 1, 28, 28]);
    expect(maxAbs(out['ig_grad_input']?.data as Float32Array)).toBeGreaterThan(0);
    await session.release();
  });

  it('the layer attribution snippet meets completeness in the layer space', async () => {
    const layer = await onnxLayerBackend(model, '/features/features.2/Relu_output_0');
    const input = tensor(uniform(rng(12), 784, 0, 1), [1, 1, 28, 28]);
    const baseline = tensor(new Float32Array(784), [1, 1, 28, 28]);
    const result = await layerIntegratedGradients(layer, [input], { baselines: [baseline], target: 3, steps: 64 });
    expect(result.attribution.shape).toEqual([1, 8, 28, 28]);
    const report = result.reports[0];
    // Measured |delta| 2.3e-5 (F(x) − F(x′) ≈ 0.02): the quadrature error of 64 nodes on a
    // piecewise-linear path, not float32 noise; 1e-4 is 4× it, rounded up.
    expect(Math.abs(report?.delta ?? 1)).toBeLessThan(1e-4);
    await layer.dispose();
  });
});
