/** The Node results the page must match: the same model and input through @ig/tfjs and @ig/onnx on Node. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { imageToTensor, integratedGradients, resizeBilinear, tensor } from '@ig/core';
import { decodeImage, parseNpy, toFloat32 } from '@ig/cli';
import { onnxBackend } from '@ig/onnx/node';
import { tfjsBackend } from '@ig/tfjs';

export const ASSETS = fileURLToPath(new URL('../../cli/assets/', import.meta.url));

export interface NodeResult {
  readonly input: Float32Array;
  readonly attributions: Float32Array;
  readonly target: number;
  readonly fInput: number;
  readonly fBaseline: number;
}

/** An image file as `ig explain` reads it: resized to 28×28, grey, pixel / 255, NHWC or NCHW. */
export function cliImageInput(path: string, layout: 'nhwc' | 'nchw'): Float32Array {
  const image = resizeBilinear(decodeImage(readFileSync(path), path), 28, 28);
  return imageToTensor(image, { channels: 1, layout, mean: [0], std: [1] }).data;
}

export function npyInput(name: string): Float32Array {
  return toFloat32(parseNpy(readFileSync(`${ASSETS}${name}.npy`)));
}

async function loadFashionModel(): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(`${ASSETS}fashion-mnist/model.json`, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = readFileSync(`${ASSETS}fashion-mnist/weights.bin`);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}

/** IG with the page's defaults: zero baseline, Gauss–Legendre, `steps` points, the given target. */
export async function nodeFashion(input: Float32Array, target: number, steps: number): Promise<NodeResult> {
  await tf.setBackend('cpu');
  const model = await loadFashionModel();
  try {
    const result = await integratedGradients(tfjsBackend(model), tensor(input, [1, 28, 28, 1]), { target, steps, baselines: 0 });
    const report = result.reports[0];
    return { input, attributions: result.attributions[0]?.data as Float32Array, target, fInput: report?.fInput ?? NaN, fBaseline: report?.fBaseline ?? NaN };
  } finally {
    model.dispose();
  }
}

export async function nodeSmallCnn(input: Float32Array, target: number, steps: number): Promise<NodeResult> {
  const backend = await onnxBackend(readFileSync(`${ASSETS}small_cnn.onnx`));
  try {
    const result = await integratedGradients(backend, tensor(input, [1, 1, 28, 28]), { target, steps, baselines: 0 });
    const report = result.reports[0];
    return { input, attributions: result.attributions[0]?.data as Float32Array, target, fInput: report?.fInput ?? NaN, fBaseline: report?.fBaseline ?? NaN };
  } finally {
    await backend.dispose();
  }
}

/** max |a − b| / max |b|: deviation relative to the largest reference attribution. */
export function relativeDeviation(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  if (actual.length !== expected.length) return Infinity;
  return diff / scale;
}
