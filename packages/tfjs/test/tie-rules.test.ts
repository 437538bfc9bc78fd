import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import { buildSmallCnn, loadReference, nchwToNhwc, nhwcToNchw, referenceCases } from './helpers/reference.js';
import { smallCnnGradient } from './helpers/small-cnn-reference.js';

/** A 4×4 image whose 2×2 windows tie at (1,0)/(1,1) and (3,2)/(3,3), row-major. */
const TIES = [1, 1, 1, 1, 2, 2, 0, 2, 0, 3, 3, 3, 5, 4, 5, 5];
const EXPECTED_TIE_GRADIENT = {
  cpu: [0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0], // first maximum, as PyTorch
  wasm: [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1], // last maximum
} as const;

const maxAbs = (values: ArrayLike<number>): number => Array.from(values).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe.each(NODE_BACKENDS)('max-pool ties on tfjs %s', (backendName) => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await useBackend(backendName);
    model = buildSmallCnn();
  });
  afterAll(() => model.dispose());

  test(`a tied window's gradient goes to its ${backendName === 'cpu' ? 'first' : 'last'} maximum`, () => {
    const gradient = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid').sum())(tf.tensor4d(TIES, [1, 4, 4, 1]))
        .dataSync(),
    );
    expect(Array.from(gradient)).toEqual(EXPECTED_TIE_GRADIENT[backendName]);
  });

  // The float64 reference with the backend's rule against the backend's own gradient, at a
  // constant baseline (every interior window tied) and at an image (no ties).
  test.each([
    ['the constant 0.5 baseline', 'data/small_cnn/baseline_const0.5.npy'],
    ['the zero baseline', 'data/small_cnn/baseline_zeros.npy'],
    ['input0', 'data/small_cnn/input0.npy'],
  ])('the independent small_cnn reference with that rule gives its gradient at %s', (_name, file) => {
    const image = loadReference(file);
    const target = 3;
    const expected = smallCnnGradient(image.data, target, backendName === 'cpu' ? 'first' : 'last').gradient;
    const ours = tf.tidy(() => {
      const x = tf.tensor(nchwToNhwc(image.data, image.shape), [1, 28, 28, 1]);
      const pick = tf.oneHot([target], 10).toFloat();
      return tf
        .grad((v: tf.Tensor) => tf.mul(model.predict(v) as tf.Tensor, pick).sum())(x)
        .dataSync() as Float32Array;
    });
    const gradient = nhwcToNchw(ours, [1, 28, 28, 1]);
    let worst = 0;
    gradient.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (expected[i] as number)))));
    // float32 against float64: measured ≤ 3.6e-7 of max |gradient| (wasm), 9.1e-8 (cpu).
    expect(worst / maxAbs(expected)).toBeLessThan(2e-6);
    if (file.includes('baseline')) {
      // The other rule's gradient is far off there: the check sees the tie rule.
      const other = smallCnnGradient(image.data, target, backendName === 'cpu' ? 'last' : 'first').gradient;
      expect(maxAbs(other.map((v, i) => v - (expected[i] as number))) / maxAbs(expected)).toBeGreaterThan(1e-2);
    }
  });
});

test('the independent small_cnn reference reproduces Captum’s logits', () => {
  for (const c of referenceCases().filter((k) => k.model === 'small_cnn')) {
    const logits = smallCnnGradient(loadReference(c.input_file).data, 0, 'first').logits;
    // Captum's logits are float32: measured ≤ 4.6e-8 apart.
    (c.logits_input as number[]).forEach((v, k) => expect(Math.abs((logits[k] as number) - v)).toBeLessThan(2e-7));
  }
});
