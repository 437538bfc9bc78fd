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

/**
 * Conv 3×3 → ReLU → average pool → dense (4 classes) on a [H, W, 3] input, or [H, W] (grey, no
 * channel axis: `channels` 0); weights seeded from `seed` (another seed, another model).
 */
function buildModel(height: number, width: number, channels: 3 | 0, seed: number): tf.LayersModel {
  const seeded = (n: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: seed + n });
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

/**
 * Three classifier heads and a feature map on one trunk, outputs in this order: `kind` (Dense, 4
 * logits), `colour` (Dense 3 under a softmax Activation: probabilities), `features` (the pooled
 * [H/2, W/2, 4] map, not a classifier's output) and `pooled` (its global average, [batch, 4],
 * a head whose class count model.json does not declare); seeded weights.
 */
function buildMultiOutputModel(height: number, width: number): tf.LayersModel {
  const seeded = (seed: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed });
  const input = tf.input({ shape: [height, width, 3], name: 'picture' });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(5), biasInitializer: seeded(6) });
  const features = tf.layers.averagePooling2d({ poolSize: 2, name: 'features' }).apply(conv.apply(input)) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(features);
  const kind = tf.layers.dense({ units: 4, name: 'kind', kernelInitializer: seeded(7), biasInitializer: seeded(8) }).apply(flat) as tf.SymbolicTensor;
  const colourLogits = tf.layers.dense({ units: 3, name: 'colour_logits', kernelInitializer: seeded(9), biasInitializer: seeded(10) }).apply(flat);
  const colour = tf.layers.activation({ activation: 'softmax', name: 'colour' }).apply(colourLogits) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(features) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [kind, colour, features, pooled] });
}

/** Two picture inputs added together, one classifier output: a model the page cannot feed. */
function buildTwoInputModel(height: number, width: number): tf.LayersModel {
  const a = tf.input({ shape: [height, width, 3], name: 'left' });
  const b = tf.input({ shape: [height, width, 3], name: 'right' });
  const sum = tf.layers.add().apply([a, b]);
  const logits = tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(sum)) as tf.SymbolicTensor;
  return tf.model({ inputs: [a, b], outputs: logits });
}

/** The model as `model.save()` writes it, its weights split into two shard files as tfjs's converter names them. */
async function save(model: tf.LayersModel): Promise<SavedTfjsModel> {
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

export async function savedTfjsModel(height: number, width: number, channels: 3 | 0 = 3, seed = 0): Promise<SavedTfjsModel> {
  await tf.setBackend('cpu');
  return save(buildModel(height, width, channels, seed));
}

export async function savedMultiOutputModel(height: number, width: number): Promise<SavedTfjsModel> {
  await tf.setBackend('cpu');
  return save(buildMultiOutputModel(height, width));
}

export async function savedTwoInputModel(height: number, width: number): Promise<SavedTfjsModel> {
  await tf.setBackend('cpu');
  return save(buildTwoInputModel(height, width));
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
