import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjsContextualDecomposition, UnsupportedModelError } from '../src/index.js';
import { useBackend } from './helpers/backends.js';

interface Reference {
  readonly input: number[];
  readonly output: number[];
  readonly cases: { mask: number[]; relevant: number[]; irrelevant: number[] }[];
  readonly weights: Record<string, { shape: number[]; values: number[] }>;
}
const reference = JSON.parse(readFileSync(new URL('./fixtures/cd/acd-reference.json', import.meta.url), 'utf8')) as Reference;

/** torch [out, in, kh, kw] → tfjs [kh, kw, in, out]. */
function convKernel(name: string): tf.Tensor {
  const w = reference.weights[name] as { shape: number[]; values: number[] };
  return tf.transpose(tf.tensor(w.values, w.shape), [2, 3, 1, 0]);
}
const vector = (name: string): tf.Tensor => tf.tensor(reference.weights[name]?.values as number[]);

/** The acd reference network (PyTorch, NCHW) rebuilt channels-last with the same parameters. */
function acdNetwork(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, padding: 'same' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.reLU(),
      tf.layers.batchNormalization({ epsilon: 1e-5 }),
      tf.layers.conv2d({ filters: 6, kernelSize: 3, activation: 'relu' }),
      tf.layers.averagePooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 5 }),
    ],
  });
  model.layers[0]?.setWeights([convKernel('0.weight'), vector('0.bias')]);
  model.layers[3]?.setWeights([vector('3.weight'), vector('3.bias'), vector('3.running_mean'), vector('3.running_var')]);
  model.layers[4]?.setWeights([convKernel('4.weight'), vector('4.bias')]);
  // torch flattens [C=6, H=2, W=2]; tfjs flattens [H, W, C]: row (h, w, c) of the kernel is torch column c·4 + h·2 + w
  const linear = reference.weights['9.weight'] as { values: number[] };
  const kernel = new Float32Array(24 * 5);
  for (let h = 0; h < 2; h++)
    for (let w = 0; w < 2; w++)
      for (let c = 0; c < 6; c++) for (let o = 0; o < 5; o++) kernel[((h * 2 + w) * 6 + c) * 5 + o] = linear.values[o * 24 + c * 4 + h * 2 + w] as number;
  model.layers[8]?.setWeights([tf.tensor(kernel, [24, 5]), vector('9.bias')]);
  return model;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
};

beforeAll(async () => {
  await useBackend('cpu');
});

describe('tfjsContextualDecomposition', () => {
  test("matches the acd package's CD on the same network, and the parts add up to the output", async () => {
    const model = acdNetwork();
    const output = (model.predict(tf.tensor(reference.input, [1, 12, 12, 1])) as tf.Tensor).dataSync();
    expect(maxDiff(output, reference.output)).toBeLessThan(1e-6);
    const cd = tfjsContextualDecomposition(model);
    const masks = Float32Array.from(reference.cases.flatMap((c) => c.mask));
    const { relevant, irrelevant } = await cd.decompose(Float32Array.from(reference.input), [12, 12, 1], masks, reference.cases.length);
    reference.cases.forEach((c, k) => {
      // float32 on both sides; the largest deviation measured is 6e-8
      expect(maxDiff(relevant.subarray(k * 5, k * 5 + 5), c.relevant)).toBeLessThan(5e-7);
      expect(maxDiff(irrelevant.subarray(k * 5, k * 5 + 5), c.irrelevant)).toBeLessThan(5e-7);
      const sum = Array.from(output, (_, j) => (relevant[k * 5 + j] as number) + (irrelevant[k * 5 + j] as number));
      expect(maxDiff(sum, output)).toBeLessThan(1e-6);
    });
    model.dispose();
  });

  test('Dense with tanh and sigmoid: the parts add up to the output', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [6],
          units: 5,
          activation: 'tanh',
          kernelInitializer: tf.initializers.randomNormal({ seed: 3 }),
          biasInitializer: tf.initializers.randomNormal({ seed: 4 }),
        }),
        tf.layers.dense({ units: 3, activation: 'sigmoid', kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) }),
      ],
    });
    const x = Float32Array.from([0.5, -1, 2, 0.3, -0.7, 1.1]);
    const output = (model.predict(tf.tensor(x, [1, 6])) as tf.Tensor).dataSync();
    const masks = Float32Array.from([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    const { relevant, irrelevant } = await tfjsContextualDecomposition(model).decompose(x, [6], masks, 2);
    for (let k = 0; k < 2; k++)
      expect(
        maxDiff(
          Array.from(output, (_, j) => (relevant[k * 3 + j] as number) + (irrelevant[k * 3 + j] as number)),
          output,
        ),
      ).toBeLessThan(1e-6);
    // nothing relevant: a sigmoid's f(0) = 0.5 stays irrelevant, so the relevant part is exactly 0
    expect(maxDiff(relevant.subarray(3), [0, 0, 0])).toBeLessThan(1e-7);
    model.dispose();
  });

  test('names each layer it cannot decompose', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' }), tf.layers.layerNormalization()] });
    expect(() => tfjsContextualDecomposition(model)).toThrow(UnsupportedModelError);
    expect(() => tfjsContextualDecomposition(model)).toThrow(
      /activation softmax \(contextual decomposition splits logits[\s\S]*LayerNormalization layer ".*" has no contextual-decomposition rule/,
    );
    model.dispose();
  });
});
