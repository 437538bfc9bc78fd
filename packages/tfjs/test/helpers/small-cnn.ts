import type * as tfNamespace from '@tensorflow/tfjs';

type Tfjs = typeof tfNamespace;

/** A weight in tfjs layout. */
export interface WeightArray {
  readonly data: Float32Array | number[];
  readonly shape: number[];
}

/**
 * The reference small CNN in NHWC (conv 8 with folded BatchNorm, relu, max-pool 2, conv 16,
 * relu, global average pool, dense 10), for Node and for the browser page alike.
 */
export function smallCnnFromWeights(tf: Tfjs, weights: readonly WeightArray[]): tfNamespace.Sequential {
  const model = tf.sequential({ name: 'small_cnn' });
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10 }));
  const tensors = weights.map((w) => tf.tensor(w.data, w.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}
