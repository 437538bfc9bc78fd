import * as tf from '@tensorflow/tfjs';
import type { GradientBackend, Tensor } from '@ig/core';
import { relativeDeviation } from '@ig/browser-harness/measure';
import type { Array64 } from './float64-layers.js';
import { pointOf } from './unseen-models.js';

/** |Σ attributions − (F(x) − F(0))|, with F from model.predict, relative to Σ|attributions|. */
export function completenessGap(
  model: tf.LayersModel,
  inputs: readonly Tensor[],
  attributions: readonly Tensor[],
  target: number,
): { relative: number; gap: number } {
  const logit = (zero: boolean): number =>
    tf.tidy(() => {
      const xs = inputs.map((x) => (zero ? tf.zeros([...x.shape]) : tf.tensor(x.data, [...x.shape])));
      const out = model.predict(xs.length === 1 ? (xs[0] as tf.Tensor) : xs) as tf.Tensor;
      return out.dataSync()[target] as number;
    });
  const change = logit(false) - logit(true);
  let sum = 0;
  let scale = 0;
  for (const a of attributions) {
    for (const v of a.data) {
      sum += v;
      scale += Math.abs(v);
    }
  }
  const gap = Math.abs(sum - change);
  return { relative: gap / scale, gap };
}

/** Central differences of a float64 function of several inputs, one coordinate at a time. */
export function centralDifferences(f: (inputs: readonly Array64[]) => number, at: readonly Array64[], eps = 1e-5): Float64Array[] {
  return at.map((x, k) =>
    x.data.map((_, i) => {
      const shifted = (delta: number): number => {
        const data = Float64Array.from(x.data);
        data[i] = (data[i] as number) + delta;
        return f(at.map((other, j) => (j === k ? { data, shape: x.shape } : other)));
      };
      return (shifted(eps) - shifted(-eps)) / (2 * eps);
    }),
  );
}

/**
 * The backend's input gradient of output `target` at one point against central differences of
 * `reference` (float64, eps 1e-5: truncation and rounding both near 1e-11) at the same float32
 * values: max |difference| / max |gradient|.
 */
export async function gradientDeviation(
  backend: GradientBackend,
  shapes: readonly (readonly number[])[],
  target: number,
  reference: (inputs: readonly Array64[]) => number,
): Promise<number> {
  const points = shapes.map((shape, k) => pointOf(shape, k + 0.5));
  const outputs = reference(points.map((p, k) => ({ data: Float64Array.from(p), shape: shapes[k] as readonly number[] })));
  if (!Number.isFinite(outputs)) throw new Error('the float64 reference is not finite');
  const probe = await backend.predict({ points, pointShapes: shapes, count: 1 });
  const outputWeights = new Float32Array(probe.length);
  outputWeights[target] = 1;
  const response = await backend.gradients({ points, pointShapes: shapes, count: 1, outputWeights });
  const expected = centralDifferences(
    reference,
    points.map((p, k) => ({ data: Float64Array.from(p), shape: shapes[k] as readonly number[] })),
  );
  return relativeDeviation(
    response.gradients.flatMap((g) => Array.from(g)),
    expected.flatMap((g) => Array.from(g)),
  );
}
