import { describe, expect, it } from 'vitest';
import { gaussLegendre, tensor } from '@ig/core';
import { captumData, captumModelBytes } from '@ig/test-fixtures';
import { createLayerBackend, cutAtTensor, decodeModel, layerIntegratedGradients, tensorValues } from '../src/index.js';
import { runtimes } from './helpers/ort.js';

const irisBytes = captumModelBytes('iris_mlp');
const hidden = '/net/net.0/Gemm_output_0';

describe('layer attribution (LayerIntegratedGradients)', () => {
  it('cutting the iris MLP at its hidden pre-activation gives a prefix and a suffix', () => {
    const cut = cutAtTensor(irisBytes, hidden);
    expect(cut.prefix.graph?.node?.map((n) => n.opType)).toEqual(['Gemm']);
    expect(cut.suffix.graph?.node?.map((n) => n.opType)).toEqual(['Relu', 'Gemm']);
    expect(cut.suffix.graph?.input?.[0]?.name).toBe(hidden);
    expect(cut.passthrough).toEqual([]);
    expect(() => cutAtTensor(irisBytes, 'input')).toThrow(/not produced by any node/);
    const output = decodeModel(irisBytes).graph?.output?.[0]?.name ?? '';
    expect(() => cutAtTensor(irisBytes, output)).toThrow(`output "${output}" is the layer itself`);
  });

  it('matches the closed form in the hidden layer from the quadrature nodes: attr_j = Δh_j · W2[t,j] · Σₖ wₖ[h_j(αₖ) > 0]', async () => {
    const model = decodeModel(irisBytes);
    const w2 = tensorValues(model.graph?.initializer?.find((t) => t.name === 'net.2.weight') ?? {}).values;
    const x = captumData('iris_mlp', 'input_virginica_row101');
    const baseline = captumData('iris_mlp', 'baseline_uniform');
    const layer = await createLayerBackend(runtimes.node, 'onnxruntime-node', irisBytes, hidden);
    const target = 2;
    const result = await layerIntegratedGradients(layer, [tensor(x.data, x.shape)], [tensor(baseline.data, baseline.shape)], {
      target,
      method: 'gauss-legendre',
      steps: 64,
    });
    const [h] = await layer.activations([tensor(x.data, x.shape)]);
    const [hb] = await layer.activations([tensor(baseline.data, baseline.shape)]);
    const attribution = result.attributions[0]?.data as Float32Array;
    expect(attribution.length).toBe(16);
    // h_j(α) = b + α(a − b); the suffix is W₂·relu(h) + b₂, so the integrand of unit j is
    // W₂[t,j]·[h_j(α) > 0] and the quadrature gives exactly (a − b)·W₂[t,j]·Σₖ wₖ·[h_j(αₖ) > 0].
    const rule = gaussLegendre(64);
    let expectedSum = 0;
    let change = 0;
    let worst = 0;
    let scale = 0;
    for (let j = 0; j < 16; j++) {
      const a = h?.data[j] as number;
      const b = hb?.data[j] as number;
      const weight = w2[target * 16 + j] as number;
      const share = rule.alphas.reduce((s, alpha, k) => (b + alpha * (a - b) > 0 ? s + (rule.weights[k] as number) : s), 0);
      const expected = (a - b) * weight * share;
      expectedSum += expected;
      change += weight * (Math.max(0, a) - Math.max(0, b));
      worst = Math.max(worst, Math.abs((attribution[j] as number) - expected));
      scale = Math.max(scale, Math.abs(expected));
    }
    const report = result.reports[0];
    const deltaError = Math.abs((report?.delta ?? NaN) - (expectedSum - change));
    if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ attr: worst / scale, delta: deltaError / scale }));
    // float32 (onnxruntime) against float64: measured 1.7e-7 of max |attr|. Two units cross
    // zero on the path, so the shares are not all 0 or 1.
    expect(worst / scale).toBeLessThan(1e-6);
    // delta is the quadrature error in the layer's space (0.34% of max |attr| here), from the
    // same nodes: measured 7.6e-7 of max |attr| apart.
    expect(deltaError / scale).toBeLessThan(5e-6);
    await layer.dispose();
  });
});
