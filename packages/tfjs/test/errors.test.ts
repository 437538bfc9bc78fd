import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { IGError, integratedGradients, type Tensor } from '@ig/core';
import { DisposedBackendError, MissingKernelError, tfjsBackend, UnsupportedModelError, type TfjsModel } from '../src/index.js';
import { useBackend } from './helpers/backends.js';
import { measure } from '@ig/browser-harness/measure';

const image: Tensor = { data: new Float32Array(8 * 8 * 2).map((_, i) => Math.sin(i)), shape: [1, 8, 8, 2] };

function headOn(layer: tf.layers.Layer): tf.Sequential {
  const model = tf.sequential();
  model.add(layer);
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  return model;
}

async function missingKernel(model: tf.LayersModel): Promise<MissingKernelError> {
  const error: unknown = await integratedGradients(tfjsBackend(model), image, { target: 0, steps: 4 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MissingKernelError);
  return error as MissingKernelError;
}

describe('missing kernels on tfjs wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  test('a depthwise conv needs DepthwiseConv2dNativeBackpropInput; the error names it and suggests cpu', async () => {
    const model = headOn(tf.layers.depthwiseConv2d({ inputShape: [8, 8, 2], kernelSize: 3, activation: 'relu' }));
    const error = await missingKernel(model);
    expect(error).toBeInstanceOf(IGError);
    expect(error.code).toBe('MISSING_KERNEL');
    expect(error.kernel).toBe('DepthwiseConv2dNativeBackpropInput');
    expect(error.backend).toBe('wasm');
    expect(error.alternatives).toContain('cpu');
    // tfjs registers webgl's kernels in Node but cannot start it there, so it is not offered
    expect(error.alternatives).not.toContain('webgl');
    expect(error.alternatives.every((name) => name in tf.engine().registryFactory)).toBe(true);
    expect(error.message).toMatch(/tf\.setBackend\('cpu'\)/);
    model.dispose();
  });

  test('a conv2d with linear activation asks for Conv2DBackpropFilter (tfjs fused gradient); with relu it runs', async () => {
    const linear = headOn(tf.layers.conv2d({ inputShape: [8, 8, 2], kernelSize: 3, filters: 4 }));
    const error = await missingKernel(linear);
    expect(error.kernel).toBe('Conv2DBackpropFilter');
    expect(error.message).toMatch(/fused gradient/);

    const relu = headOn(
      tf.layers.conv2d({ inputShape: [8, 8, 2], kernelSize: 3, filters: 4, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }),
    );
    const result = await integratedGradients(tfjsBackend(relu), image, { target: 0, steps: 16 });
    expect(result.attributions[0]?.shape).toEqual([1, 8, 8, 2]);
    measure('conv relu', { relativeError: result.reports[0]?.relativeError ?? NaN });
    // From the zero baseline with zero biases, relu(α·z) = α·relu(z): the path crosses no kink
    // and IG is exact, so only float32 rounding remains (measured 3.2e-8 with these seeded weights).
    expect(Math.abs(result.reports[0]?.relativeError ?? 1)).toBeLessThan(3e-7);
    linear.dispose();
    relu.dispose();
  });

  test('the same depthwise model runs on cpu once the backend is switched', async () => {
    const model = headOn(
      tf.layers.depthwiseConv2d({ inputShape: [8, 8, 2], kernelSize: 3, activation: 'relu', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
    );
    await useBackend('cpu');
    const result = await integratedGradients(tfjsBackend(model), image, { target: 1, steps: 32 });
    const sum = (result.attributions[0]?.data ?? new Float32Array()).reduce((a, b) => a + b, 0);
    // completeness against F computed here by predict, not by the report
    const logit = (x: Float32Array): number => tf.tidy(() => (model.predict(tf.tensor(x, [1, 8, 8, 2])) as tf.Tensor).dataSync()[1] as number);
    const change = logit(image.data) - logit(new Float32Array(image.data.length));
    // rounding scales with the terms summed, not with their (possibly cancelling) sum
    const scale = (result.attributions[0]?.data ?? new Float32Array()).reduce((a, b) => a + Math.abs(b), 0);
    measure('depthwise cpu', { completeness: Math.abs(sum - change) / scale, change, scale });
    // exact along the path as above: float32 rounding, measured 1.1e-8 of Σ|attr| with these seeded weights
    expect(Math.abs(sum - change)).toBeLessThan(1e-7 * scale);
    await useBackend('wasm');
    model.dispose();
  });
});

test('a disposed backend refuses work with a DisposedBackendError', async () => {
  await useBackend('cpu');
  const backend = tfjsBackend((x) => tf.mul(x as tf.Tensor, 2));
  await backend.dispose();
  await expect(backend.predict({ points: [Float32Array.from([1])], pointShapes: [[1]], count: 1 })).rejects.toBeInstanceOf(DisposedBackendError);
});

test('something that is not a tfjs model is an UnsupportedModelError', () => {
  expect(() => tfjsBackend({ predict: () => 0 } as unknown as TfjsModel)).toThrow(UnsupportedModelError);
});

test("a Conv1D with 'causal' padding, which tfjs-layers builds but cannot run, is an UnsupportedModelError naming the model", async () => {
  await useBackend('cpu');
  const model = tf.sequential({
    name: 'causal_net',
    layers: [tf.layers.conv1d({ inputShape: [10, 3], filters: 4, kernelSize: 3, padding: 'causal' }), tf.layers.flatten(), tf.layers.dense({ units: 2 })],
  });
  const sequence: Tensor = { data: new Float32Array(30).fill(0.5), shape: [1, 10, 3] };
  const error: unknown = await integratedGradients(tfjsBackend(model), sequence, { target: 0, steps: 4 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnsupportedModelError);
  expect((error as Error).message).toMatch(/LayersModel 'causal_net'.*CAUSAL padding/);
  model.dispose();
});
