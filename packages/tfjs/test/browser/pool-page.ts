/** Browser entry: the input gradient of an AvgPool with 'same' padding, by tf.grad and by @ig/tfjs. */
import * as tf from '@tensorflow/tfjs';
import { tfjsBackend } from '../../src/index.js';

export interface PoolRequest {
  readonly backend: string;
  readonly points: number[];
  readonly shape: number[];
  readonly outputWeights: number[];
}

async function poolGradients(request: PoolRequest): Promise<{ backend: string; plain: number[]; corrected: number[] }> {
  if (!(await tf.setBackend(request.backend))) throw new Error(`tfjs backend ${request.backend} is not available in this browser`);
  await tf.ready();
  const f = (x: tf.Tensor | tf.Tensor[]): tf.Tensor => tf.reshape(tf.avgPool(x as tf.Tensor4D, [2, 3], 2, 'same'), [1, -1]);
  const plain = tf.tidy(() =>
    Array.from(
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.mul(f(x), tf.tensor2d(request.outputWeights, [1, request.outputWeights.length]))))(
          tf.tensor(request.points, [1, ...request.shape]),
        )
        .dataSync(),
    ),
  );
  const response = await tfjsBackend(f).gradients({
    points: [Float32Array.from(request.points)],
    pointShapes: [request.shape],
    count: 1,
    outputWeights: Float32Array.from(request.outputWeights),
  });
  return { backend: tf.getBackend(), plain, corrected: Array.from(response.gradients[0] ?? []) };
}

declare global {
  interface Window {
    poolGradients: typeof poolGradients;
  }
}

window.poolGradients = poolGradients;
