/** Browser entry: runs IG with @ig/tfjs on a chosen tfjs backend and hands the numbers back. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { integratedGradients } from '@ig/core';
import { tfjsBackend } from '../../src/index.js';
import { smallCnnFromWeights, type WeightArray } from '../helpers/small-cnn.js';

export interface PageRequest {
  readonly backend: string;
  readonly weights: WeightArray[];
  readonly input: number[];
  readonly baseline: number[];
  readonly target: number;
  readonly steps: number;
}

export interface PageResult {
  readonly backend: string;
  readonly attribution: number[];
  readonly fInput: number;
  readonly fBaseline: number;
  readonly tensorsLeaked: number;
}

async function runIntegratedGradients(request: PageRequest): Promise<PageResult> {
  if (!(await tf.setBackend(request.backend))) throw new Error(`tfjs backend ${request.backend} is not available in this browser`);
  await tf.ready();
  const model = smallCnnFromWeights(tf, request.weights);
  const before = tf.memory().numTensors;
  const result = await integratedGradients(
    tfjsBackend(model),
    { data: Float32Array.from(request.input), shape: [1, 28, 28, 1] },
    {
      baselines: { data: Float32Array.from(request.baseline), shape: [1, 28, 28, 1] },
      target: request.target,
      steps: request.steps,
    },
  );
  const tensorsLeaked = tf.memory().numTensors - before;
  model.dispose();
  const report = result.reports[0];
  return {
    backend: tf.getBackend(),
    attribution: Array.from(result.attributions[0]?.data ?? []),
    fInput: report?.fInput ?? NaN,
    fBaseline: report?.fBaseline ?? NaN,
    tensorsLeaked,
  };
}

declare global {
  interface Window {
    runIntegratedGradients: typeof runIntegratedGradients;
  }
}

window.runIntegratedGradients = runIntegratedGradients;
