import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tensor } from '@ig/core';
import { createLayerBackend, cutAtTensor, decodeModel, layerIntegratedGradients, tensorValues } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { readNpy } from './helpers/npy.js';
import { runtimes } from './helpers/ort.js';

const irisBytes = fixtureBytes('captum', 'models', 'iris_mlp.onnx');
const hidden = '/net/net.0/Gemm_output_0';

describe('layer attribution (LayerIntegratedGradients)', () => {
  it('cutting the iris MLP at its hidden pre-activation gives a prefix and a suffix', () => {
    const cut = cutAtTensor(irisBytes, hidden);
    expect(cut.prefix.graph?.node?.map((n) => n.opType)).toEqual(['Gemm']);
    expect(cut.suffix.graph?.node?.map((n) => n.opType)).toEqual(['Relu', 'Gemm']);
    expect(cut.suffix.graph?.input?.[0]?.name).toBe(hidden);
    expect(cut.passthrough).toEqual([]);
    expect(() => cutAtTensor(irisBytes, 'input')).toThrow(/not produced by any node/);
  });

  it('matches the closed form in the hidden layer: attr_j = Δh_j · W2[t,j] · (share of the path where h_j > 0)', async () => {
    const model = decodeModel(irisBytes);
    const w2 = tensorValues(model.graph?.initializer?.find((t) => t.name === 'net.2.weight') ?? {}).values;
    const x = readNpy(join(fixturesDir, 'captum', 'data', 'iris_mlp', 'input_virginica_row101.npy'));
    const baseline = readNpy(join(fixturesDir, 'captum', 'data', 'iris_mlp', 'baseline_uniform.npy'));
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
    for (let j = 0; j < 16; j++) {
      const a = h?.data[j] as number;
      const b = hb?.data[j] as number;
      // h_j(α) = b + α(a − b) is positive on a sub-interval of [0, 1] whose length is exact.
      let share: number;
      if (a === b) share = b > 0 ? 1 : 0;
      else {
        const crossing = -b / (a - b);
        share = a > b ? Math.min(1, Math.max(0, 1 - crossing)) : Math.min(1, Math.max(0, crossing));
      }
      const expected = (a - b) * (w2[target * 16 + j] as number) * share;
      // Gauss–Legendre with 64 nodes integrates a step function to about 1/64 of its jump.
      expect(Math.abs((attribution[j] as number) - expected)).toBeLessThanOrEqual(0.03 * Math.abs((a - b) * (w2[target * 16 + j] as number)) + 1e-6);
    }
    // Completeness in the layer's space.
    expect(Math.abs(result.reports[0]?.delta ?? 1)).toBeLessThan(0.02 * Math.abs((result.reports[0]?.fInput ?? 0) - (result.reports[0]?.fBaseline ?? 0)) + 1e-4);
    await layer.dispose();
  });
});
