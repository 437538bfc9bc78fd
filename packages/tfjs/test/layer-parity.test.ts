import { layerIntegratedGradients, type LayerAttributionResult, type LayerSplit, type Tensor } from '@ig/core';
import { onnxLayerBackend } from '@ig/onnx/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';
import { captumModelBytes } from '@ig/test-fixtures';
import { tfjsLayerSplit } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { buildIrisMlp, buildSmallCnn, loadReference, nchwToNhwc, nhwcToNchw } from './helpers/reference.js';

// The same network split at the same layer by each engine (an ONNX prefix and suffix on
// onnxruntime-node; a tfjs-layers forward hook on tfjs cpu) gives the same layer attributions
// through the one core contract.
const batch = (parts: readonly Tensor[]): Tensor => ({
  data: Float32Array.from(parts.flatMap((p) => Array.from(p.data))),
  shape: [parts.length, ...(parts[0] as Tensor).shape.slice(1)],
});

/**
 * Relative to max |attribution| of the ONNX run (IG_MEASURE=1 prints the deviations): iris
 * measured 4.1e-7 (attr) and 2.7e-8 (activations); small CNN 1.5e-7 (attr) and 0 (both
 * engines' 3×3 convolution rounds identically here). Bounds about 5× the measured values; the
 * CNN's activation bound is a few float32 ulps, as any other summation order would give.
 */
const TOLERANCE = { irisAttr: 2e-6, irisLayer: 2e-7, cnnAttr: 8e-7, cnnLayer: 2e-7 };

describe('layer attribution through the core contract: ONNX and tfjs splits of the same network agree', () => {
  beforeAll(() => useBackend('cpu'));
  const disposers: (() => unknown)[] = [];
  afterAll(async () => {
    for (const dispose of disposers) await dispose();
  });

  it('iris MLP at the hidden ReLU, two examples with their own targets', async () => {
    const input = batch([loadReference('data/iris_mlp/input_versicolor_row51.npy'), loadReference('data/iris_mlp/input_virginica_row101.npy')]);
    const baseline = loadReference('data/iris_mlp/baseline_uniform.npy');
    const tfjsModel = buildIrisMlp();
    const onnxSplit = await onnxLayerBackend(captumModelBytes('iris_mlp'), '/net/net.1/Relu_output_0', { executionProviders: ['cpu'] });
    disposers.push(
      () => onnxSplit.dispose(),
      () => tfjsModel.dispose(),
    );
    const tfjsSplit: LayerSplit = tfjsLayerSplit(tfjsModel, (tfjsModel.layers[0] as { name: string }).name);
    const options = { baselines: [baseline], target: [1, 2], steps: 32 };
    const viaOnnx = await layerIntegratedGradients(onnxSplit, [input], options);
    const viaTfjs = await layerIntegratedGradients(tfjsSplit, [input], options);
    expect(viaOnnx.attribution.shape).toEqual([2, 16]);
    expect(viaTfjs.attribution.shape).toEqual([2, 16]);
    compare('iris', viaOnnx, viaTfjs, (data) => data, { attr: TOLERANCE.irisAttr, layer: TOLERANCE.irisLayer });
  });

  it('small CNN at the first conv block (NCHW in ONNX, NHWC in tfjs): a max-pool, conv and ReLU after the layer', async () => {
    const nchw = loadReference('data/small_cnn/input0.npy');
    const baseline = loadReference('data/small_cnn/baseline_uniform.npy');
    const nhwcShape = [1, 28, 28, 1];
    const tfjsModel = buildSmallCnn();
    const onnxSplit = await onnxLayerBackend(captumModelBytes('small_cnn'), '/features/features.2/Relu_output_0', { executionProviders: ['cpu'] });
    disposers.push(
      () => onnxSplit.dispose(),
      () => tfjsModel.dispose(),
    );
    const tfjsSplit = tfjsLayerSplit(tfjsModel, (tfjsModel.layers[0] as { name: string }).name);
    for (const target of [3, 7]) {
      const viaOnnx = await layerIntegratedGradients(onnxSplit, [nchw], { baselines: [baseline], target, steps: 32 });
      const viaTfjs = await layerIntegratedGradients(tfjsSplit, [{ data: nchwToNhwc(nchw.data, nchw.shape), shape: nhwcShape }], {
        baselines: [{ data: nchwToNhwc(baseline.data, baseline.shape), shape: nhwcShape }],
        target,
        steps: 32,
      });
      expect(viaOnnx.attribution.shape).toEqual([1, 8, 28, 28]);
      expect(viaTfjs.attribution.shape).toEqual([1, 28, 28, 8]);
      compare(`cnn target ${target}`, viaOnnx, viaTfjs, (data) => nhwcToNchw(data, [1, 28, 28, 8]), { attr: TOLERANCE.cnnAttr, layer: TOLERANCE.cnnLayer });
    }
  });
});

function compare(
  name: string,
  onnx: LayerAttributionResult,
  tfjs: LayerAttributionResult,
  toOnnxLayout: (data: Float32Array) => Float32Array,
  tolerance: { readonly attr: number; readonly layer: number },
): void {
  const attr = relativeDeviation(toOnnxLayout(tfjs.attribution.data), onnx.attribution.data);
  const layer = Math.max(
    relativeDeviation(toOnnxLayout(tfjs.layerInput.data), onnx.layerInput.data),
    relativeDeviation(toOnnxLayout(tfjs.layerBaseline.data), onnx.layerBaseline.data),
  );
  const fChange = onnx.reports.map((r) => Math.abs(r.fInput - r.fBaseline));
  const attributionSums = tfjs.reports.map((r, i) => Math.abs(r.attributionSum - (onnx.reports[i]?.attributionSum as number)) / (fChange[i] as number));
  measure(name, { attr, layer, sums: Math.max(...attributionSums) });
  expect(tfjs.reports.map((r) => [r.example, r.target])).toEqual(onnx.reports.map((r) => [r.example, r.target]));
  expect(attr).toBeLessThan(tolerance.attr);
  expect(layer).toBeLessThan(tolerance.layer);
}
