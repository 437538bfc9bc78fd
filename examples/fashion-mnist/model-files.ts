import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

/** The committed model and sample images, next to the sources (not the compiled output). */
export const MODEL_DIR = fileURLToPath(new URL('../../fashion-mnist/model/', import.meta.url));

/** A handful of test images saved with the model so the demo runs offline. */
export interface Samples {
  readonly description: string;
  readonly shape: [number, number, number, number];
  readonly labels: number[];
  /** Test-set indices the images were taken from. */
  readonly indices: number[];
  /** Grey levels 0–255, image-major, row-major; the model takes them divided by 255. */
  readonly pixels: number[];
}

/** Writes `model.json` + `weights.bin` (the tfjs layers format) into `dir`. */
export async function saveModel(model: tf.LayersModel, dir = MODEL_DIR): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      if (weightData === undefined || Array.isArray(weightData)) throw new Error('expected one weight buffer');
      writeFileSync(`${dir}/weights.bin`, Buffer.from(weightData));
      const manifest = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(`${dir}/model.json`, `${JSON.stringify(manifest)}\n`);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

export async function loadModel(dir = MODEL_DIR): Promise<tf.LayersModel> {
  const manifest = JSON.parse(readFileSync(`${dir}/model.json`, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = readFileSync(`${dir}/weights.bin`);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: manifest.weightsManifest.flatMap((group) => group.weights),
      weightData,
    }),
  );
}

export function saveSamples(samples: Samples, dir = MODEL_DIR): void {
  writeFileSync(`${dir}/samples.json`, `${JSON.stringify(samples)}\n`);
}

export function loadSamples(dir = MODEL_DIR): Samples {
  return JSON.parse(readFileSync(`${dir}/samples.json`, 'utf8')) as Samples;
}
