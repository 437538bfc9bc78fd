/** Browser entry: runs every gradient method of @ig/core with @ig/tfjs and hands the numbers back. */
import * as tf from '@tensorflow/tfjs';
import { attribute } from '@ig/core';
import { tfjsBackend } from '../../src/index.js';
import { smallCnnFromWeights } from '../helpers/small-cnn.js';
import { methodRuns, type MethodsRequest } from './method-runs.js';

async function runMethods(request: MethodsRequest): Promise<{ backend: string; results: Record<string, number[]>; tensorsLeaked: number }> {
  if (!(await tf.setBackend(request.backend))) throw new Error(`tfjs backend ${request.backend} is not available in this browser`);
  await tf.ready();
  const model = smallCnnFromWeights(tf, request.weights);
  const before = tf.memory().numTensors;
  const results: Record<string, number[]> = {};
  for (const [name, options] of Object.entries(methodRuns(Float32Array.from(request.baseline)))) {
    const result = await attribute(
      tfjsBackend(model),
      { data: Float32Array.from(request.input), shape: [1, 28, 28, 1] },
      { ...options, target: request.target },
    );
    results[name] = Array.from(result.attributions[0]?.data ?? []);
  }
  const tensorsLeaked = tf.memory().numTensors - before;
  model.dispose();
  return { backend: tf.getBackend(), results, tensorsLeaked };
}

declare global {
  interface Window {
    runMethods: typeof runMethods;
  }
}

window.runMethods = runMethods;
