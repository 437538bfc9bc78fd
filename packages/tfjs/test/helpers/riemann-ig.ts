import * as tf from '@tensorflow/tfjs';

/**
 * Integrated Gradients of a scalar function by the midpoint Riemann sum of `steps` plain tf.grad
 * gradients, accumulated in float64: a check independent of @ig's quadrature and backends. `f`
 * maps a batch of points `[k, ...shape]` to one value per point, `[k]`, each row alone.
 */
export function riemannIG(
  f: (points: tf.Tensor) => tf.Tensor,
  input: Float32Array,
  baseline: Float32Array,
  shape: readonly number[],
  steps = 2000,
): Float64Array {
  const gradient = tf.grad((points: tf.Tensor) => tf.sum(f(points)));
  const sums = new Float64Array(input.length);
  const chunk = 500;
  for (let start = 0; start < steps; start += chunk) {
    const count = Math.min(chunk, steps - start);
    const values = tf.tidy(() => {
      const alphas = tf.tensor(
        Array.from({ length: count }, (_, k) => (start + k + 0.5) / steps),
        [count, ...shape.map(() => 1)],
      );
      const x = tf.tensor(input, [1, ...shape]);
      const x0 = tf.tensor(baseline, [1, ...shape]);
      return gradient(tf.add(x0, tf.mul(alphas, tf.sub(x, x0)))).dataSync();
    });
    for (let k = 0; k < count; k++) {
      for (let i = 0; i < input.length; i++) sums[i] = (sums[i] as number) + (values[k * input.length + i] as number);
    }
  }
  return sums.map((sum, i) => (sum / steps) * ((input[i] as number) - (baseline[i] as number)));
}

/** max |actual − expected| over max |expected|. */
export function relativeDeviation(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return worst / scale;
}

/** A Dense layer's kernel and bias as tensors (not to be disposed: the layer owns them). */
export function denseWeights(layer: tf.layers.Layer): [tf.Tensor, tf.Tensor] {
  const [kernel, bias] = layer.getWeights();
  return [kernel as tf.Tensor, bias as tf.Tensor];
}
