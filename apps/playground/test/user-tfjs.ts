/** A user's TensorFlow.js layers model, built and saved here in Node: model.json and its weights in two shards. */
import * as tf from '@tensorflow/tfjs';
import { integratedGradients, tensor } from '@ig/core';
import { tfjsBackend } from '@ig/tfjs';
import type { DroppedFile } from './user-files.js';

export interface SavedTfjsModel {
  readonly modelJson: Record<string, unknown>;
  /** Shard file name → bytes, in the manifest's order. */
  readonly shards: readonly DroppedFile[];
}

/** Conv 3×3 → ReLU → average pool → dense (4 classes) on a [H, W, 3] input, or [H, W] (grey, no channel axis: `channels` 0); seeded weights. */
function buildModel(height: number, width: number, channels: 3 | 0): tf.LayersModel {
  const seeded = (seed: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed });
  const input = tf.input({ shape: channels === 0 ? [height, width] : [height, width, channels], name: 'picture' });
  const image = channels === 0 ? tf.layers.reshape({ targetShape: [height, width, 1] }).apply(input) : input;
  const conv = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(1), biasInitializer: seeded(2) })
    .apply(image);
  // Average pooling: a max-pool's gradient jumps where two values of a window cross, and WebGL's
  // float32 sums put some of the 50 path points on the other side of a crossing than tfjs cpu does.
  const pooled = tf.layers.averagePooling2d({ poolSize: 2 }).apply(conv);
  const flat = tf.layers.flatten().apply(pooled);
  const logits = tf.layers.dense({ units: 4, kernelInitializer: seeded(3), biasInitializer: seeded(4) }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits });
}

/** The model as `model.save()` writes it, its weights split into two shard files as tfjs's converter names them. */
export async function savedTfjsModel(height: number, width: number, channels: 3 | 0 = 3): Promise<SavedTfjsModel> {
  await tf.setBackend('cpu');
  const model = buildModel(height, width, channels);
  let saved: SavedTfjsModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = new Uint8Array(artifacts.weightData as ArrayBuffer);
      const half = Math.ceil(data.length / 8 / 2) * 8;
      const names = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
      saved = {
        modelJson: {
          format: 'layers-model',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: names, weights: artifacts.weightSpecs }],
        },
        shards: [data.slice(0, half), data.slice(half)].map((part, i) => ({
          name: names[i] as string,
          mimeType: 'application/octet-stream',
          buffer: Buffer.from(part),
        })),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  if (saved === undefined) throw new Error('the model was not saved');
  return saved;
}

/** The model loaded back from the saved files, and IG on it with @ig/tfjs (tfjs cpu in Node), as the page computes it. */
export async function nodeTfjs(saved: SavedTfjsModel, input: Float32Array, shape: readonly number[], target: number, steps: number) {
  await tf.setBackend('cpu');
  const json = saved.modelJson as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const weights = Buffer.concat(saved.shards.map((s) => s.buffer));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  try {
    const result = await integratedGradients(tfjsBackend(model), tensor(input, [...shape]), { target, steps, baselines: 0 });
    const report = result.reports[0];
    return { attributions: result.attributions[0]?.data as Float32Array, fInput: report?.fInput ?? NaN, fBaseline: report?.fBaseline ?? NaN };
  } finally {
    model.dispose();
  }
}
