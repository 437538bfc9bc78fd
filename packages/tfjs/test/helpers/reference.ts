import * as tf from '@tensorflow/tfjs';
import { captumCases, captumWeight, readCaptumNpy, type CaptumCase, type CaptumModel, type NpyArray } from '@ig/test-fixtures';
import { smallCnnFromWeights, type WeightArray } from './small-cnn.js';

export { captumRule } from '@ig/test-fixtures';
export type ReferenceCase = CaptumCase;

/** The Captum Integrated Gradients cases (@ig/test-fixtures). */
export const referenceCases = (): readonly ReferenceCase[] => captumCases();

/** A file of the Captum reference tree by its manifest path (`data/…`, `weights/…`). */
export function loadReference(file: string): NpyArray {
  return readCaptumNpy(file);
}

function weight(model: CaptumModel, name: string): tf.Tensor {
  const array = captumWeight(model, name);
  return tf.tensor(array.data, array.shape);
}

/** PyTorch Linear weight [out, in] → tfjs Dense kernel [in, out]. */
function denseKernel(model: CaptumModel, name: string): tf.Tensor {
  return tf.tidy(() => tf.transpose(weight(model, name)));
}

/** PyTorch Conv weight [out, in, kh, kw] → tfjs conv2d kernel [kh, kw, in, out]. */
function convKernel(model: CaptumModel, name: string): tf.Tensor {
  return tf.tidy(() => tf.transpose(weight(model, name), [2, 3, 1, 0]));
}

export function buildIrisMlp(): tf.Sequential {
  const model = tf.sequential({ name: 'iris_mlp' });
  model.add(tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 3 }));
  setWeights(model, [
    denseKernel('iris_mlp', 'net.0.weight'),
    weight('iris_mlp', 'net.0.bias'),
    denseKernel('iris_mlp', 'net.2.weight'),
    weight('iris_mlp', 'net.2.bias'),
  ]);
  return model;
}

/** The small_cnn weights in tfjs layout (PyTorch layouts transposed). */
export function smallCnnWeights(): WeightArray[] {
  const layout = (t: tf.Tensor): WeightArray => {
    const out = { data: t.dataSync() as Float32Array, shape: t.shape };
    t.dispose();
    return out;
  };
  return [
    layout(convKernel('small_cnn', 'conv1.weight_bn_folded')),
    layout(weight('small_cnn', 'conv1.bias_bn_folded')),
    layout(convKernel('small_cnn', 'features.4.weight')),
    layout(weight('small_cnn', 'features.4.bias')),
    layout(denseKernel('small_cnn', 'classifier.weight')),
    layout(weight('small_cnn', 'classifier.bias')),
  ];
}

/** small_cnn in NHWC: the first conv carries the folded BatchNorm. */
export function buildSmallCnn(): tf.Sequential {
  return smallCnnFromWeights(tf, smallCnnWeights());
}

function setWeights(model: tf.LayersModel, weights: tf.Tensor[]): void {
  model.setWeights(weights);
  tf.dispose(weights);
}

/** NCHW [N, C, H, W] values → NHWC, and back. */
export function nchwToNhwc(data: Float32Array, [n, c, h, w]: number[]): Float32Array {
  return permute(data, [n as number, c as number, h as number, w as number], [0, 2, 3, 1]);
}

export function nhwcToNchw(data: Float32Array, [n, h, w, c]: number[]): Float32Array {
  return permute(data, [n as number, h as number, w as number, c as number], [0, 3, 1, 2]);
}

function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  return tf.tidy(() => tf.transpose(tf.tensor(data, shape), perm).dataSync() as Float32Array).slice();
}
