import * as tf from '@tensorflow/tfjs';
import type { CoverageModel } from './unseen-models.js';

/** Every random weight is seeded, so the measured deviations are the same on every run. */
const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
const normal = (seed: number, stddev = 0.3) => tf.initializers.randomNormal({ seed, stddev });
const L = tf.layers;
/** Sigmoid gates: tfjs's default hardSigmoid has clip kinks that would put quadrature error on the path. */
const recurrent = (seed: number) => ({
  units: 3,
  recurrentActivation: 'sigmoid' as const,
  kernelInitializer: glorot(seed),
  recurrentInitializer: glorot(seed + 1),
  biasInitializer: normal(seed + 2),
});

/** [12] → Reshape [3, 4] → Permute [2, 1] → TimeDistributed(Dense(3, tanh)) → Flatten → Dense(2). */
export function reshapePermuteTimeDistributed(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.reshape({ inputShape: [12], targetShape: [3, 4] }),
      L.permute({ dims: [2, 1] }),
      L.timeDistributed({ layer: L.dense({ units: 3, activation: 'tanh', kernelInitializer: glorot(201), biasInitializer: normal(202) }) }),
      L.flatten(),
      L.dense({ units: 2, kernelInitializer: glorot(203), biasInitializer: normal(204) }),
    ],
  });
  return { model, shapes: [[12]] };
}

/** [4] → RepeatVector(3) → SimpleRNN(3, returnSequences) → Flatten → Dense(2). */
export function repeatVectorRnn(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.repeatVector({ inputShape: [4], n: 3 }),
      L.simpleRNN({ units: 3, returnSequences: true, kernelInitializer: glorot(205), recurrentInitializer: glorot(206), biasInitializer: normal(207) }),
      L.flatten(),
      L.dense({ units: 2, kernelInitializer: glorot(208), biasInitializer: normal(209) }),
    ],
  });
  return { model, shapes: [[4]] };
}

/** [5, 3] → Bidirectional(GRU(3), `mergeMode`) → Dense(2); with returnSequences a Flatten first. */
function bidirectional(kind: 'gru' | 'lstm', mergeMode: 'concat' | 'sum' | 'mul' | 'ave', returnSequences: boolean, seed: number): CoverageModel {
  const layer = kind === 'gru' ? L.gru({ ...recurrent(seed), returnSequences }) : L.lstm({ ...recurrent(seed), returnSequences });
  const model = tf.sequential({
    layers: [
      L.bidirectional({ inputShape: [5, 3], layer, mergeMode }),
      ...(returnSequences ? [L.flatten()] : []),
      L.dense({ units: 2, kernelInitializer: glorot(seed + 3), biasInitializer: normal(seed + 4) }),
    ],
  });
  return { model, shapes: [[5, 3]] };
}

export const bidirectionalGruConcat = (): CoverageModel => bidirectional('gru', 'concat', false, 210);
export const bidirectionalGruAveSequences = (): CoverageModel => bidirectional('gru', 'ave', true, 215);
export const bidirectionalLstmSumSequences = (): CoverageModel => bidirectional('lstm', 'sum', true, 220);
export const bidirectionalLstmMul = (): CoverageModel => bidirectional('lstm', 'mul', false, 225);

/**
 * [5, 3] → SpatialDropout1D → GaussianNoise → Flatten → Dense(5, tanh) → GaussianDropout →
 * AlphaDropout → Dense(2): every noise layer is the identity at inference, which is how IG runs it.
 */
export function noiseLayers(): CoverageModel {
  const model = tf.sequential({
    layers: [
      L.spatialDropout1d({ inputShape: [5, 3], rate: 0.4, seed: 230 }),
      L.gaussianNoise({ stddev: 0.5 }),
      L.flatten(),
      L.dense({ units: 5, activation: 'tanh', kernelInitializer: glorot(231), biasInitializer: normal(232) }),
      L.gaussianDropout({ rate: 0.3 }),
      L.alphaDropout({ rate: 0.3 }),
      L.dense({ units: 2, kernelInitializer: glorot(233), biasInitializer: normal(234) }),
    ],
  });
  return { model, shapes: [[5, 3]] };
}
