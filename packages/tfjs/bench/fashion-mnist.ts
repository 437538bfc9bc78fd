import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

/** The Fashion-MNIST CNN that examples/fashion-mnist trains: model.json, weights.bin, samples.json. */
export const MODEL_DIR = fileURLToPath(new URL('../../../examples/fashion-mnist/model/', import.meta.url));

export async function loadModel(): Promise<tf.LayersModel> {
  const manifest = JSON.parse(readFileSync(`${MODEL_DIR}model.json`, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bytes = readFileSync(`${MODEL_DIR}weights.bin`);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: manifest.weightsManifest.flatMap((group) => group.weights),
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    }),
  );
}
