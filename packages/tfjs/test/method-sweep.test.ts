import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attribute, type AttributeOptions, type Tensor } from '@ig/core';
import { METHOD_SWEEP_DIR, readNpy } from '@ig/test-fixtures';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';
import { tfjsBackend } from '../src/index.js';
import { useBackend } from './helpers/backends.js';

// Every method on a TensorFlow.js layers model built here (Conv2D, tanh, global average pool,
// Dense on a grey non-square 12×20×1 image) with the weights of grey_cnn from
// scripts/fixtures/make_method_sweep_references.py, against Captum 0.7.0 (PAIR saliency for Blur
// IG and Guided IG) on the PyTorch original. One channel, so NHWC holds the numbers of NCHW.

interface SweepCase {
  readonly id: string;
  readonly attributions: readonly string[];
  readonly noise?: readonly string[];
}
const cases = (JSON.parse(readFileSync(join(METHOD_SWEEP_DIR, 'references.json'), 'utf8')) as { cases: SweepCase[] }).cases;
const npy = (file: string): Float32Array => readNpy(join(METHOD_SWEEP_DIR, file)).data;
const reference = (id: string): SweepCase => {
  const c = cases.find((k) => k.id === `grey_cnn/${id}`);
  if (c === undefined) throw new Error(`no case grey_cnn/${id}`);
  return c;
};

let model: tf.LayersModel;
const x: Tensor = { data: npy('grey_cnn.x.npy'), shape: [1, 12, 20, 1] };

beforeAll(async () => {
  await useBackend('cpu');
  model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 20, 1], filters: 6, kernelSize: 3, padding: 'same', activation: 'tanh' }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 3 }),
    ],
  });
  model.setWeights([
    tf.tensor(npy('grey_cnn.conv_kernel_hwio.npy'), [3, 3, 1, 6]),
    tf.tensor(npy('grey_cnn.conv_bias.npy'), [6]),
    tf.tensor(npy('grey_cnn.fc_kernel.npy'), [6, 3]),
    tf.tensor(npy('grey_cnn.fc_bias.npy'), [3]),
  ]);
});
afterAll(() => model.dispose());

const replay = (c: SweepCase) => {
  const noise = npy((c.noise as string[])[0] as string);
  const size = noise.length / 4;
  return (sample: number): Float32Array => noise.slice(sample * size, (sample + 1) * size);
};

// [case, options]: tfjs-cpu float32 against torch float32 (PAIR: float64); measured ≤ 1.9e-7 of
// max |attr|, vargrad's relative to max E[a²] (see the onnx sweep), so 1e-6.
const runs: [string, AttributeOptions][] = [
  ['ig_gl32', { steps: 32, method: 'gauss-legendre' }],
  ['saliency', { algorithm: 'saliency' }],
  ['input_x_gradient', { algorithm: 'input-x-gradient' }],
  ['blur_ig', { algorithm: 'blur-ig', maxSigma: 4, steps: 32 }],
  ['blur_ig_sqrt', { algorithm: 'blur-ig', maxSigma: 4, steps: 32, sqrt: true }],
  ['guided_ig', { algorithm: 'guided-ig', steps: 32, fraction: 0.25, maxDist: 0.02 }],
  ...(['smoothgrad', 'smoothgrad_sq', 'vargrad'] as const).flatMap((kind): [string, AttributeOptions][] => {
    const noise = { kind: kind === 'smoothgrad_sq' ? ('smoothgrad-sq' as const) : kind, samples: 4 };
    return [
      [`ig_gl16_${kind}`, { steps: 16, method: 'gauss-legendre', noise: { ...noise, replay: replay(reference(`ig_gl16_${kind}`)) } }],
      [`saliency_${kind}`, { algorithm: 'saliency', noise: { ...noise, replay: replay(reference(`saliency_${kind}`)) } }],
    ];
  }),
];

describe('every method on a tfjs layers model matches Captum and PAIR saliency', () => {
  it.each(runs)('%s', async (id, options) => {
    const result = await attribute(tfjsBackend(model), x, { target: 2, ...options });
    const expected = npy(reference(id).attributions[0] as string);
    const floor = id.includes('vargrad')
      ? Math.max(...Array.from(npy(reference(id.replace('vargrad', 'smoothgrad_sq')).attributions[0] as string), Math.abs))
      : 0;
    const deviation = relativeDeviation(result.attributions[0]?.data as Float32Array, expected, floor);
    measure(`tfjs grey_cnn/${id}`, { deviation });
    expect(deviation).toBeLessThan(1e-6);
  });
});
