import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { decodeModel, tensorValues } from '@ig/onnx';

/** The spam classifier of examples/spam and its Captum reference, kept with the @ig/onnx fixtures. */
const ONNX_FIXTURES = fileURLToPath(new URL('../../../onnx/test/fixtures/text/', import.meta.url));

export interface SpamReference {
  readonly steps: number;
  readonly shape: readonly number[];
  readonly inputIds: readonly (readonly number[])[];
  readonly attentionMask: readonly (readonly number[])[];
  readonly baselineId: number;
  readonly cases: readonly { example: number; target: number; attributions: readonly number[]; delta: number; fInput: number; fBaseline: number }[];
}

export const spamReference = JSON.parse(readFileSync(`${ONNX_FIXTURES}spam-lig.json`, 'utf8')) as SpamReference;

/** Σ_t x[t]·mask[t] / max(Σ_t mask[t], 1): the masked mean over positions of the PyTorch model. */
class MaskedMean extends tf.layers.Layer {
  static className = 'MaskedMean';
  override computeOutputShape(shapes: tf.Shape[]): tf.Shape {
    const x = shapes[0] as tf.Shape;
    return [x[0] ?? null, x[2] ?? null];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, mask] = inputs as [tf.Tensor3D, tf.Tensor3D];
      return tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(tf.sum(mask, 1), 1));
    });
  }
}

/**
 * The PyTorch SpamConv rebuilt with tfjs-layers from the ONNX weights: ids and a float mask
 * `[batch, 128]` → Embedding (name `embedding`) × mask → Conv1D(64, 3, same) → ReLU → masked
 * mean → Dense(2).
 */
export function spamLayersModel(): tf.LayersModel {
  const graph = decodeModel(new Uint8Array(readFileSync(`${ONNX_FIXTURES}spam.onnx`))).graph;
  const weight = (name: string): { values: Float32Array; dims: number[] } => {
    const t = graph?.initializer?.find((i) => i.name === name);
    if (!t) throw new Error(`no initializer ${name}`);
    return { values: Float32Array.from(tensorValues(t).values as ArrayLike<number>), dims: (t.dims ?? []).map(Number) };
  };
  const table = weight('embedding.weight');
  const conv = weight('conv.weight'); // [out, in, k]
  const dense = weight('classifier.weight'); // [2, channels]
  const [vocab, dim] = table.dims as [number, number];
  const [channels, , kernel] = conv.dims as [number, number, number];
  const length = 128;
  const ids = tf.input({ shape: [length], name: 'input_ids' });
  const mask = tf.input({ shape: [length], name: 'attention_mask' });
  const mask3 = tf.layers.reshape({ targetShape: [length, 1] }).apply(mask) as tf.SymbolicTensor;
  const embedded = tf.layers
    .embedding({ inputDim: vocab, outputDim: dim, name: 'embedding', weights: [tf.tensor2d(table.values, [vocab, dim])] })
    .apply(ids) as tf.SymbolicTensor;
  const masked = tf.layers.multiply().apply([embedded, mask3]) as tf.SymbolicTensor;
  const kernelValues = tf.tidy(() => tf.transpose(tf.tensor3d(conv.values, [channels, dim, kernel]), [2, 1, 0]));
  const convolved = tf.layers
    .conv1d({ filters: channels, kernelSize: kernel, padding: 'same', activation: 'relu', weights: [kernelValues, tf.tensor1d(weight('conv.bias').values)] })
    .apply(masked) as tf.SymbolicTensor;
  const pooled = new MaskedMean({}).apply([convolved, mask3]) as tf.SymbolicTensor;
  const denseKernel = tf.tidy(() => tf.transpose(tf.tensor2d(dense.values, [2, channels])));
  const logits = tf.layers.dense({ units: 2, weights: [denseKernel, tf.tensor1d(weight('classifier.bias').values)] }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: [ids, mask], outputs: logits });
}
