import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captumPath, type CaptumModel } from '@ig/test-fixtures';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { formatNpy, parseNpy, toFloat32 } from '../src/npy.js';

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `ig` binary the way a user does. */
export function ig(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function igAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ig-cli-${prefix}-`));
}

export function readFloat32Npy(path: string): { data: Float32Array; shape: readonly number[] } {
  const array = parseNpy(readFileSync(path));
  return { data: toFloat32(array), shape: array.shape };
}

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

type Weights = { data: Float32Array; shape: readonly number[] };

/** The bundled 28×28 grey CNN (assets/small_cnn.onnx), and a .npy of `examples` inputs for it at `path`: ((i·37) mod 101)/101. */
export const SMALL_CNN = fileURLToPath(new URL('../assets/small_cnn.onnx', import.meta.url));
export function writeSmallCnnInput(path: string, examples = 1): string {
  writeFileSync(
    path,
    formatNpy(
      new Float32Array(examples * 784).map((_, i) => ((i * 37) % 101) / 101),
      [examples, 1, 28, 28],
    ),
  );
  return path;
}

export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      const json = {
        format: 'layers-model',
        generatedBy: 'tfjs-layers',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(dir, 'model.json');
}

const weights = (model: CaptumModel, name: string): Weights => readFloat32Npy(captumPath('weights', model, `${name}.npy`));
// PyTorch keeps Linear weights as [out, in] and Conv weights as [out, in, kh, kw]; Keras wants
// [in, out] and [kh, kw, in, out].
const denseKernel = (w: Weights) => tf.transpose(tf.tensor2d(w.data, w.shape as [number, number]));
const convKernel = (w: Weights) => tf.transpose(tf.tensor4d(w.data, w.shape as [number, number, number, number]), [2, 3, 1, 0]);

/**
 * Captum's iris MLP (Linear 4→16, ReLU, Linear 16→3, the reference ONNX model's weights) as a
 * TensorFlow.js layers model.json + weights.bin; returns the model.json path.
 */
export async function writeIrisTfjsModel(dir: string): Promise<string> {
  await tf.setBackend('cpu');
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ name: 'hidden', inputShape: [4], units: 16, activation: 'relu' }), tfl.layers.dense({ name: 'logits', units: 3 })],
  });
  model.setWeights([
    denseKernel(weights('iris_mlp', 'net.0.weight')),
    tf.tensor1d(weights('iris_mlp', 'net.0.bias').data),
    denseKernel(weights('iris_mlp', 'net.2.weight')),
    tf.tensor1d(weights('iris_mlp', 'net.2.bias').data),
  ]);
  return saveLayersModel(model, dir);
}

/**
 * The reference small CNN (Conv 1→8 3×3 same, ReLU, MaxPool 2, Conv 8→16 3×3 same, ReLU,
 * GlobalAveragePool, Linear 16→10) in NHWC as a TensorFlow.js layers model; with one channel
 * its [1, 28, 28, 1] input holds the same numbers as the ONNX model's [1, 1, 28, 28].
 */
export async function writeSmallCnnTfjsModel(dir: string): Promise<string> {
  await tf.setBackend('cpu');
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  model.setWeights([
    convKernel(weights('small_cnn', 'conv1.weight_bn_folded')),
    tf.tensor1d(weights('small_cnn', 'conv1.bias_bn_folded').data),
    convKernel(weights('small_cnn', 'features.4.weight')),
    tf.tensor1d(weights('small_cnn', 'features.4.bias').data),
    denseKernel(weights('small_cnn', 'classifier.weight')),
    tf.tensor1d(weights('small_cnn', 'classifier.bias').data),
  ]);
  return saveLayersModel(model, dir);
}

/** A 1-D int32 .npy (numpy's `np.array(ids, dtype=np.int32)`), which formatNpy does not write. */
export function int32Npy(values: readonly number[]): Buffer {
  let header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${values.length},), }`;
  header += `${' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64)}\n`;
  const out = Buffer.alloc(10 + header.length + 4 * values.length);
  out.write('\x93NUMPY', 0, 'latin1');
  out.writeUInt8(1, 6);
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  values.forEach((v, i) => out.writeInt32LE(v, 10 + header.length + 4 * i));
  return out;
}
