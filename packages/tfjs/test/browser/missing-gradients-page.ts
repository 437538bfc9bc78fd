/** Browser entry: the gradients tfjs has none for, by @ig/tfjs, against Jᵀw from the forward kernels. */
import * as tf from '@tensorflow/tfjs';
import { tfjsBackend, type TfjsFunction } from '../../src/index.js';
import { OPS, SHAPE, transposedJacobianTimes, wave } from '../helpers/missing-gradient-ops.js';

export interface OpGradient {
  readonly name: string;
  readonly gradient: number[];
  readonly expected: number[];
}

async function missingGradients(backend: string): Promise<{ backend: string; ops: OpGradient[] }> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} is not available in this browser`);
  await tf.ready();
  const ops: OpGradient[] = [];
  for (const [name, op] of OPS) {
    const outputs = tf.tidy(() => op(tf.zeros(SHAPE)).size);
    const weights = wave(outputs, 0.25);
    const f = ((x: tf.Tensor) => tf.reshape(op(tf.reshape(x, SHAPE)), [1, -1])) as TfjsFunction;
    const response = await tfjsBackend(f).gradients({ points: [wave(48, 1)], pointShapes: [SHAPE], count: 1, outputWeights: weights });
    ops.push({ name, gradient: Array.from(response.gradients[0] ?? []), expected: Array.from(transposedJacobianTimes(op, weights)) });
  }
  return { backend: tf.getBackend(), ops };
}

declare global {
  interface Window {
    missingGradients: typeof missingGradients;
  }
}

window.missingGradients = missingGradients;
