import * as tf from '@tensorflow/tfjs';
import type { CoverageModel } from './unseen-models.js';

/** Seeded weights, so the measured deviations are the same on every run. */
const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
const normal = (seed: number, stddev = 0.3) => tf.initializers.randomNormal({ seed, stddev });
const seeded = (seed: number, biasStddev = 0.3) => ({
  kernelInitializer: glorot(seed),
  recurrentInitializer: glorot(seed + 1),
  biasInitializer: normal(seed + 2, biasStddev),
});

/**
 * [6, 3] → GRU(5) with tfjs's defaults (tanh, hardSigmoid gates, reset before the product) →
 * Dense(2). Biases of spread 2.5 put some gates past hardSigmoid's clip (|v| > 2.5), so both its
 * linear and its flat part are checked.
 */
export function gruDefaults(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.gru({ inputShape: [6, 3], units: 5, ...seeded(50, 2.5) }),
      tf.layers.dense({ units: 2, kernelInitializer: glorot(53), biasInitializer: normal(54) }),
    ],
  });
  return { model, shapes: [[6, 3]] };
}

/** [5, 3] → GRU(4, sigmoid gates, no bias, goBackwards, returnSequences) → Flatten → Dense(3). */
export function gruSequences(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.gru({
        inputShape: [5, 3],
        units: 4,
        recurrentActivation: 'sigmoid',
        useBias: false,
        goBackwards: true,
        returnSequences: true,
        kernelInitializer: glorot(55),
        recurrentInitializer: glorot(56),
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: glorot(57), biasInitializer: normal(58) }),
    ],
  });
  return { model, shapes: [[5, 3]] };
}

/** [6, 3] → SimpleRNN(5, tanh) → Dense(2). */
export function simpleRnnDefaults(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.simpleRNN({ inputShape: [6, 3], units: 5, ...seeded(60) }),
      tf.layers.dense({ units: 2, kernelInitializer: glorot(63), biasInitializer: normal(64) }),
    ],
  });
  return { model, shapes: [[6, 3]] };
}

/** [5, 3] → SimpleRNN(4, goBackwards, returnSequences) → GlobalAveragePooling1D → Dense(2). */
export function simpleRnnSequences(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.simpleRNN({ inputShape: [5, 3], units: 4, goBackwards: true, returnSequences: true, ...seeded(65) }),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 2, kernelInitializer: glorot(68), biasInitializer: normal(69) }),
    ],
  });
  return { model, shapes: [[5, 3]] };
}

/** [6, 3] → LSTM(4) with tfjs's default hardSigmoid gates (some past the clip, as above), goBackwards → Dense(2). */
export function lstmDefaults(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ inputShape: [6, 3], units: 4, goBackwards: true, ...seeded(70, 2.5) }),
      tf.layers.dense({ units: 2, kernelInitializer: glorot(73), biasInitializer: normal(74) }),
    ],
  });
  return { model, shapes: [[6, 3]] };
}
