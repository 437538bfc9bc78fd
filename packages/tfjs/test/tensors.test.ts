import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { integratedGradients, ShapeMismatchError } from '@ig/core';
import { fromTfTensor, tfjsBackend, toTensor } from '../src/index.js';
import { useBackend } from './helpers/backends.js';

// F(x) = Σᵢ xᵢ² per example: from a zero baseline IG is exactly xᵢ² (the integrand 2α·xᵢ² is
// linear in α, which Gauss–Legendre integrates to float32 rounding).
const squares = tfjsBackend((x) => tf.sum(tf.square(x as tf.Tensor), 1, true));
const values = [0.5, -1.25, 2, 3, -0.5, 1];

describe('tf.Tensor in and out', () => {
  beforeAll(() => useBackend('cpu'));

  it('a tf.Tensor input gives the attributions of the same Float32Array, and toTensor turns them into a tf.Tensor', async () => {
    const input = tf.tensor2d(values, [2, 3]);
    const fromTf = await integratedGradients(squares, input, { target: 0 });
    const fromArray = await integratedGradients(squares, { data: Float32Array.from(values), shape: [2, 3] }, { target: 0 });
    expect(fromTf.attributions[0]!.data).toEqual(fromArray.attributions[0]!.data);
    // measured ≤ 1.2e-7 relative to xᵢ²: float32 rounding of the 50-point sum
    fromTf.attributions[0]!.data.forEach((a, i) => expect(Math.abs(a - values[i]! ** 2)).toBeLessThan(1e-6 * values[i]! ** 2));
    const back = toTensor(fromTf.attributions[0]!);
    expect(back.shape).toEqual([2, 3]);
    expect(back.dtype).toBe('float32');
    expect(Array.from(back.dataSync())).toEqual(Array.from(fromTf.attributions[0]!.data));
    expect(fromTfTensor(tf.tensor1d([1, 2, 3], 'int32'))).toEqual({ data: Float32Array.of(1, 2, 3), shape: [3] });
    expect(() => fromTfTensor(tf.tensor(['a', 'b']))).toThrow(ShapeMismatchError);
    expect(() => fromTfTensor(tf.tensor(['a', 'b']))).toThrow(/a tf\.Tensor of dtype string \(shape \[2\]\)/);
    expect(() => fromTfTensor(tf.tensor(['a', 'b']))).not.toThrow(/ort/);
    tf.dispose([input, back]);
  });
});
