/**
 * Integrated Gradients computed in the test itself, independent of @ig/core's engine and the
 * CLI: a TensorFlow.js layers model loaded from its files, plain tf.grad of the target logit at
 * every quadrature node (one batch), (x − x′)·Σₖ wₖ·∇F(x′ + αₖ(x − x′)) summed in float64.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { PNG } from 'pngjs';

export async function loadLayersModelFiles(modelJson: string): Promise<tfl.LayersModel> {
  await tf.setBackend('cpu');
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const buffers = json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dirname(modelJson), p))));
  const bytes = Buffer.concat(buffers);
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));
}

/** A grayscale PNG's pixels scaled to [0, 1] (the red channel; the file's R = G = B). */
export function grayPixels(path: string): Float32Array {
  const png = PNG.sync.read(readFileSync(path));
  return Float32Array.from({ length: png.width * png.height }, (_, p) => (png.data[p * 4] as number) / 255);
}

export function targetLogits(model: tfl.LayersModel, input: Float32Array, shape: readonly number[], target: number): number {
  return tf.tidy(() => (model.predict(tf.tensor(input, [...shape])) as tf.Tensor).dataSync()[target] as number);
}

/** IG of one example [1, ...] along the straight path with the given nodes and weights. */
export function referenceIntegratedGradients(
  model: tfl.LayersModel,
  input: Float32Array,
  baseline: Float32Array,
  shape: readonly number[],
  target: number,
  rule: { readonly alphas: ArrayLike<number>; readonly weights: ArrayLike<number> },
): Float64Array {
  const nodes = rule.alphas.length;
  const size = input.length;
  const points = new Float32Array(nodes * size);
  for (let k = 0; k < nodes; k++) {
    const alpha = rule.alphas[k] as number;
    for (let i = 0; i < size; i++) points[k * size + i] = (baseline[i] as number) + alpha * ((input[i] as number) - (baseline[i] as number));
  }
  const gradients = tf.tidy(() => {
    const batch = tf.tensor(points, [nodes, ...shape.slice(1)]);
    const pick = tf.cast(tf.oneHot(tf.fill([nodes], target, 'int32'), model.outputs[0]?.shape[1] as number), 'float32');
    return tf
      .grad((x: tf.Tensor) => tf.sum(tf.mul(model.predict(x) as tf.Tensor, pick)))(batch)
      .dataSync();
  });
  const attribution = new Float64Array(size);
  for (let k = 0; k < nodes; k++) {
    for (let i = 0; i < size; i++) attribution[i] = (attribution[i] as number) + (rule.weights[k] as number) * (gradients[k * size + i] as number);
  }
  return attribution.map((g, i) => g * ((input[i] as number) - (baseline[i] as number)));
}
