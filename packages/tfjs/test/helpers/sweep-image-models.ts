import * as tf from '@tensorflow/tfjs';
import type { CoverageModel } from './unseen-models.js';

/** Every random weight is seeded, so the measured deviations are the same on every run. */
const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
const normal = (seed: number, stddev = 0.3) => tf.initializers.randomNormal({ seed, stddev });
const L = tf.layers;

/** [5, 6, 2] → Conv2DTranspose(3, 3×3, stride 2, same, tanh) → Conv2DTranspose(2, 2×3, strides [1, 2], valid) → Dense(2). */
export function transposedConvs(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.conv2dTranspose({
        inputShape: [5, 6, 2],
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'tanh',
        kernelInitializer: glorot(101),
        biasInitializer: normal(102),
      }),
      L.conv2dTranspose({ filters: 2, kernelSize: [2, 3], strides: [1, 2], kernelInitializer: glorot(103), biasInitializer: normal(104) }),
      L.flatten(),
      L.dense({ units: 2, activation: 'tanh', kernelInitializer: glorot(105), biasInitializer: normal(106) }),
    ],
  });
  return { model, shapes: [[5, 6, 2]] };
}

/** [4, 4, 4, 2] → Conv3D(2, 2×2×2, same, tanh) → Flatten → Dense(2). */
export function conv3dVolume(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.conv3d({
        inputShape: [4, 4, 4, 2],
        filters: 2,
        kernelSize: 2,
        padding: 'same',
        activation: 'tanh',
        kernelInitializer: glorot(107),
        biasInitializer: normal(108),
      }),
      L.flatten(),
      L.dense({ units: 2, kernelInitializer: glorot(109), biasInitializer: normal(110) }),
    ],
  });
  return { model, shapes: [[4, 4, 4, 2]] };
}

/** [6, 7, 2] → Cropping2D([[1, 2], [0, 3]]) → ZeroPadding2D([[1, 0], [2, 1]]) → tanh → Flatten → Dense(3). */
export function cropAndPad(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.cropping2D({
        inputShape: [6, 7, 2],
        cropping: [
          [1, 2],
          [0, 3],
        ],
      }),
      L.zeroPadding2d({
        padding: [
          [1, 0],
          [2, 1],
        ],
      }),
      L.activation({ activation: 'tanh' }),
      L.flatten(),
      L.dense({ units: 3, kernelInitializer: glorot(111), biasInitializer: normal(112) }),
    ],
  });
  return { model, shapes: [[6, 7, 2]] };
}

/**
 * [7, 7, 2] → AveragePooling2D(2×3, stride 2, same: windows cut at the border) → Conv2D(3, 2×2,
 * relu, no bias) → GlobalMaxPooling2D → Dense(2). Nothing before the relu has a bias, so from the
 * zero baseline F(αx) = α·(F(x) − b) + b: the path crosses no kink and IG is exact.
 */
export function poolingImage(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.averagePooling2d({ inputShape: [7, 7, 2], poolSize: [2, 3], strides: 2, padding: 'same' }),
      L.conv2d({ filters: 3, kernelSize: 2, activation: 'relu', useBias: false, kernelInitializer: glorot(113) }),
      L.globalMaxPooling2d({}),
      L.dense({ units: 2, kernelInitializer: glorot(114), biasInitializer: normal(115) }),
    ],
  });
  return { model, shapes: [[7, 7, 2]] };
}

/**
 * [9, 3] → AveragePooling1D(3, stride 2, same) → MaxPooling1D(2) → Flatten → Dense(2, tanh):
 * the pools are positively homogeneous, so the path crosses no kink of the max.
 */
export function poolingSequence(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.averagePooling1d({ inputShape: [9, 3], poolSize: 3, strides: 2, padding: 'same' }),
      L.maxPooling1d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 2, activation: 'tanh', kernelInitializer: glorot(116), biasInitializer: normal(117) }),
    ],
  });
  return { model, shapes: [[9, 3]] };
}

/**
 * [6] → Dense(6, no bias) → LeakyReLU(0.2) → Dense(5, no bias) → PReLU (one seeded slope per unit)
 * → Dense(2): positively homogeneous, so IG from zero is exact.
 */
export function leakyAndParametricRelu(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.dense({ inputShape: [6], units: 6, useBias: false, kernelInitializer: glorot(118) }),
      L.leakyReLU({ alpha: 0.2 }),
      L.dense({ units: 5, useBias: false, kernelInitializer: glorot(119) }),
      L.prelu({ alphaInitializer: tf.initializers.randomUniform({ minval: 0.05, maxval: 0.5, seed: 120 }) }),
      L.dense({ units: 2, kernelInitializer: glorot(121), biasInitializer: normal(122) }),
    ],
  });
  return { model, shapes: [[6]] };
}

/**
 * [6] → Dense(6, no bias) → ELU → Dense(5, no bias) → ReLU(maxValue 0.3) → Dense(2). ELU is met
 * with no sign change along the path; the cap at 0.3 is crossed once per capped unit.
 */
export function eluAndCappedRelu(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.dense({ inputShape: [6], units: 6, useBias: false, kernelInitializer: glorot(123) }),
      L.elu({}),
      L.dense({ units: 5, useBias: false, kernelInitializer: glorot(124) }),
      L.reLU({ maxValue: 0.3 }),
      L.dense({ units: 2, kernelInitializer: glorot(125), biasInitializer: normal(126) }),
    ],
  });
  return { model, shapes: [[6]] };
}

/** [6] → Dense selu (no bias: no sign change along the path), softsign, swish, gelu, gelu_new, mish → Dense(2). */
export function smoothActivations(): CoverageModel {
  const hidden = ['softsign', 'swish', 'gelu', 'gelu_new', 'mish'] as const;
  const model = tf.sequential({
    layers: [
      L.dense({ inputShape: [6], units: 5, activation: 'selu', useBias: false, kernelInitializer: glorot(127) }),
      ...hidden.map((activation, i) => L.dense({ units: 5, activation, kernelInitializer: glorot(128 + i), biasInitializer: normal(140 + i) })),
      L.dense({ units: 2, kernelInitializer: glorot(150), biasInitializer: normal(151) }),
    ],
  });
  return { model, shapes: [[6]] };
}

/** [3, 4] → LayerNormalization → Softmax layer (last axis) → Flatten → Dense(2). */
export function layerNormSoftmax(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.layerNormalization({
        inputShape: [3, 4],
        gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 152 }),
        betaInitializer: normal(153),
      }),
      L.softmax({ axis: -1 }),
      L.flatten(),
      L.dense({ units: 2, kernelInitializer: glorot(154), biasInitializer: normal(155) }),
    ],
  });
  return { model, shapes: [[3, 4]] };
}

/**
 * [4, 5, 6, 2] → AveragePooling3D(2×2×3, stride 2, same) → MaxPooling3D(2, same) → Flatten →
 * Dense(2, tanh): positively homogeneous pools, so the path crosses no kink of the max.
 */
export function poolingVolume(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.averagePooling3d({ inputShape: [4, 5, 6, 2], poolSize: [2, 2, 3], strides: 2, padding: 'same' }),
      L.maxPooling3d({ poolSize: 2, padding: 'same' }),
      L.flatten(),
      L.dense({ units: 2, activation: 'tanh', kernelInitializer: glorot(156), biasInitializer: normal(157) }),
    ],
  });
  return { model, shapes: [[4, 5, 6, 2]] };
}
