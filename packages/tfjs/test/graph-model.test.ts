import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { integratedGradients, type Tensor } from '@ig/core';
import { AsyncModelError, tfjsBackend, UnsupportedModelError } from '../src/index.js';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import { denseGraphModel, type HiddenActivation } from './helpers/graph-model.js';
import { loadReference, referenceCases } from './helpers/reference.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

/** The iris MLP's weights as float tensors in tfjs layout (Linear [out, in] → [in, out]). */
function irisWeights(): [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D] {
  const load = (name: string): tf.Tensor => {
    const array = loadReference(`weights/iris_mlp/${name}.npy`);
    return tf.tensor(array.data, array.shape);
  };
  return [
    tf.transpose(load('net.0.weight')) as tf.Tensor2D,
    load('net.0.bias') as tf.Tensor1D,
    tf.transpose(load('net.2.weight')) as tf.Tensor2D,
    load('net.2.bias') as tf.Tensor1D,
  ];
}

describe.each(NODE_BACKENDS)('GraphModel on tfjs %s', (backendName) => {
  beforeAll(async () => {
    await useBackend(backendName);
  });

  test('IG through a GraphDef of the iris MLP matches Captum for the gauss-legendre cases', async () => {
    const model = await denseGraphModel(...irisWeights());
    const cases = referenceCases().filter((c) => c.model === 'iris_mlp' && c.method === 'gausslegendre');
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const c of cases) {
      const input = loadReference(c.input_file);
      const result = await integratedGradients(tfjsBackend(model), input as Tensor, {
        baselines: loadReference(c.baseline_file),
        target: c.target,
        steps: c.n_steps,
      });
      const deviation = relativeDeviation(result.attributions[0]?.data ?? [], loadReference(c.attribution_file).data);
      measure(`graph ${backendName} ${c.id}`, { deviation });
      // float32 against Captum: measured ≤ 8.0e-8 (cpu) and 1.9e-7 (wasm) of max |attr|; the
      // shared bound is rounding luck for the cases that land lower (one measured 1.0e-8)
      expect(deviation).toBeLessThan(6e-7);
    }
    model.dispose();
  });

  test('IG through StridedSlice and GatherNd (no tfjs gradient) on the input matches Captum', async () => {
    const model = await denseGraphModel(...irisWeights(), { gatheredInput: true });
    const c = referenceCases().find((r) => r.model === 'iris_mlp' && r.method === 'gausslegendre');
    if (c === undefined) throw new Error('no iris gauss-legendre case');
    const result = await integratedGradients(tfjsBackend(model), loadReference(c.input_file) as Tensor, {
      baselines: loadReference(c.baseline_file),
      target: c.target,
      steps: c.n_steps,
    });
    const deviation = relativeDeviation(result.attributions[0]?.data ?? [], loadReference(c.attribution_file).data);
    measure(`graph gathered ${backendName} ${c.id}`, { deviation });
    // the same function as the dense graph above, so the same bound
    expect(deviation).toBeLessThan(6e-7);
    model.dispose();
  });

  test('a graph that needs executeAsync is an AsyncModelError naming the dynamic op', async () => {
    const model = await denseGraphModel(...irisWeights(), { dynamicTail: true });
    const input: Tensor = { data: Float32Array.from([5.1, 3.5, 1.4, 0.2]), shape: [1, 4] };
    const run = integratedGradients(tfjsBackend(model), input, { target: 0 });
    await expect(run).rejects.toBeInstanceOf(AsyncModelError);
    await expect(integratedGradients(tfjsBackend(model), input, { target: 0 })).rejects.toThrow(/dynamic op 'Where'/);
    model.dispose();
  });

  // TensorFlow's graph optimizer fuses MatMul + BiasAdd + activation into _FusedMatMul: the same
  // function as the three ops apart (the converter must map each activation and LeakyRelu's alpha),
  // so the same attributions up to float32 rounding.
  test.each(['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Sigmoid'] as const)('a _FusedMatMul with %s gives the attributions of its ops apart', async (activation) => {
    const input: Tensor = { data: Float32Array.from([5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]), shape: [2, 4] };
    const attributionsOf = async (hidden: HiddenActivation): Promise<Float32Array> => {
      const model = await denseGraphModel(...irisWeights(), { hidden });
      const result = await integratedGradients(tfjsBackend(model), input, { target: 2, steps: 32 });
      model.dispose();
      return (result.attributions[0] as Tensor).data as Float32Array;
    };
    const apart = await attributionsOf({ activation, fused: false });
    const fused = await attributionsOf({ activation, fused: true });
    const scale = Math.max(...Array.from(apart, Math.abs));
    expect(scale).toBeGreaterThan(1e-3);
    // measured 0: tfjs 4 runs a fused op as its ops apart while it records a gradient; the bound is
    // float32 rounding of a few sums, room for a release whose fused kernel sums in another order
    expect(Math.max(...Array.from(fused, (v, i) => Math.abs(v - (apart[i] as number)))) / scale).toBeLessThan(4e-7);
  });

  test('a fused activation no tfjs backend fuses (Tanh) is an UnsupportedModelError naming it', async () => {
    const model = await denseGraphModel(...irisWeights(), { hidden: { activation: 'Tanh', fused: true } });
    const input: Tensor = { data: Float32Array.from([5.1, 3.5, 1.4, 0.2]), shape: [1, 4] };
    const run = integratedGradients(tfjsBackend(model), input, { target: 0 });
    await expect(run).rejects.toBeInstanceOf(UnsupportedModelError);
    await expect(integratedGradients(tfjsBackend(model), input, { target: 0 })).rejects.toThrow(
      new RegExp(`tfjs backend '${backendName}' cannot run the fused activation 'tanh'`),
    );
    model.dispose();
  });
});
