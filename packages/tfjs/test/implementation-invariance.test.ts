import { checkAxioms, integratedGradients } from '@ig/core';
import { onnxBackend } from '@ig/onnx/node';
import { captumModelBytes } from '@ig/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfjsBackend } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { measure } from '@ig/browser-harness/measure';
import { buildIrisMlp, buildSmallCnn, loadReference, nhwcToNchw, nchwToNhwc } from './helpers/reference.js';

// The IG paper's implementation invariance: the same network in two engines (TensorFlow.js
// autodiff, and an ONNX gradient graph on onnxruntime-node) gives the same attributions.
const relativeDifference = (a: Float32Array, b: Float32Array): number => {
  let diff = 0;
  let scale = 0;
  a.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - (b[i] as number)));
    scale = Math.max(scale, Math.abs(v));
  });
  return diff / scale;
};

describe('implementation invariance across engines: tfjs (cpu) and ONNX Runtime (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  const disposers: (() => unknown)[] = [];
  afterAll(async () => {
    for (const dispose of disposers) await dispose();
  });

  it('iris MLP: the axiom check passes and attributions agree to float32 rounding', async () => {
    const tfjs = tfjsBackend(buildIrisMlp());
    const onnx = await onnxBackend(captumModelBytes('iris_mlp'), { executionProviders: ['cpu'] });
    disposers.push(
      () => tfjs.dispose(),
      () => onnx.dispose(),
    );
    const input = loadReference('data/iris_mlp/input_versicolor_row51.npy');
    const baseline = loadReference('data/iris_mlp/baseline_uniform.npy');
    for (const target of [0, 1, 2]) {
      const report = await checkAxioms(tfjs, input, { target, baselines: baseline, compareBackend: onnx, tolerance: 3e-6 }); // measured ≤ 6.8e-7 of max |attr|
      const invariance = report.checks.find((c) => c.axiom === 'implementation-invariance');
      measure('invariance iris', { target, ...invariance?.values });
      expect(invariance?.passed, invariance?.message).toBe(true);
    }
  });

  it('small CNN (NHWC in tfjs, NCHW in ONNX): attributions agree to float32 rounding for every target', async () => {
    const tfjs = tfjsBackend(buildSmallCnn());
    const onnx = await onnxBackend(captumModelBytes('small_cnn'), { executionProviders: ['cpu'] });
    disposers.push(
      () => tfjs.dispose(),
      () => onnx.dispose(),
    );
    const nchw = loadReference('data/small_cnn/input0.npy');
    const baseline = loadReference('data/small_cnn/baseline_uniform.npy');
    const nhwcShape = [1, 28, 28, 1];
    for (const target of [0, 3, 7]) {
      const viaOnnx = await integratedGradients(
        onnx,
        { data: nchw.data, shape: nchw.shape },
        { target, baselines: { data: baseline.data, shape: baseline.shape } },
      );
      const viaTfjs = await integratedGradients(
        tfjs,
        { data: nchwToNhwc(nchw.data, nchw.shape), shape: nhwcShape },
        { target, baselines: { data: nchwToNhwc(baseline.data, baseline.shape), shape: nhwcShape } },
      );
      const tfjsAsNchw = nhwcToNchw(viaTfjs.attributions[0]?.data as Float32Array, nhwcShape);
      const attr = relativeDifference(viaOnnx.attributions[0]?.data as Float32Array, tfjsAsNchw);
      const delta = Math.abs((viaOnnx.reports[0]?.delta as number) - (viaTfjs.reports[0]?.delta as number)) / Math.abs(viaOnnx.reports[0]?.fInput as number);
      measure('invariance cnn', { target, attr, delta });
      // measured ≤ 1.9e-7 of max |attr|; deltas ≤ 2.2e-6 of |F(x)| (two float32 logits of about 0.1
      // and a sum of 784 attributions, rounded in different orders)
      expect(attr).toBeLessThan(6e-7);
      expect(delta).toBeLessThan(1e-5);
    }
  });
});
