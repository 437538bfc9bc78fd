import * as tf from '@tensorflow/tfjs';

/** Every random weight is seeded, so the measured deviations are the same on every run. */
const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
const normal = (seed: number, stddev = 0.2) => tf.initializers.randomNormal({ seed, stddev });

/** A model with one input per entry of `shapes` (no batch axis). */
export interface CoverageModel {
  readonly model: tf.LayersModel;
  readonly shapes: readonly (readonly number[])[];
}

/** SeparableConv2D (depth multiplier 2) → DepthwiseConv2D (stride 2, same) → Flatten → Dense. */
export function separableStack(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.separableConv2d({
        inputShape: [9, 9, 3],
        filters: 4,
        kernelSize: 3,
        depthMultiplier: 2,
        activation: 'tanh',
        ...{ depthwiseInitializer: glorot(1), pointwiseInitializer: glorot(2), biasInitializer: normal(3) },
      }),
      tf.layers.depthwiseConv2d({
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        depthMultiplier: 2,
        activation: 'tanh',
        depthwiseInitializer: glorot(4),
        biasInitializer: normal(5),
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: glorot(6), biasInitializer: normal(7) }),
    ],
  });
  return { model, shapes: [[9, 9, 3]] };
}

/** Conv1D (same, tanh) → Conv1D (valid, linear) → GlobalAveragePooling1D → Dense. */
export function conv1dClassifier(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv1d({
        inputShape: [12, 3],
        filters: 5,
        kernelSize: 3,
        padding: 'same',
        activation: 'tanh',
        kernelInitializer: glorot(8),
        biasInitializer: normal(9),
      }),
      tf.layers.conv1d({ filters: 4, kernelSize: 2, kernelInitializer: glorot(10), biasInitializer: normal(11) }),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 2, kernelInitializer: glorot(12), biasInitializer: normal(13) }),
    ],
  });
  return { model, shapes: [[12, 3]] };
}

/** Token ids [7] → Embedding(20, 6) named `embedding` → LSTM(5) → Dense(2) logits. */
export function lstmTextClassifier(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ name: 'embedding', inputDim: 20, outputDim: 6, inputLength: 7, embeddingsInitializer: normal(14, 0.5) }),
      // sigmoid gates: Keras' default hardSigmoid has kinks, which would put quadrature error on the path
      tf.layers.lstm({
        units: 5,
        recurrentActivation: 'sigmoid',
        kernelInitializer: glorot(15),
        recurrentInitializer: glorot(16),
        biasInitializer: normal(17),
      }),
      tf.layers.dense({ units: 2, kernelInitializer: glorot(18), biasInitializer: normal(19) }),
    ],
  });
  return { model, shapes: [[7]] };
}

/** Two inputs a [5], b [3]: Dense each, Add them, Concatenate the sum with b's branch, Dense. */
export function twoInputModel(): CoverageModel & { readonly layers: Record<'left' | 'right' | 'head', tf.layers.Layer> } {
  const a = tf.input({ shape: [5], name: 'a' });
  const b = tf.input({ shape: [3], name: 'b' });
  const left = tf.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: glorot(20), biasInitializer: normal(21) });
  const right = tf.layers.dense({ units: 4, activation: 'tanh', kernelInitializer: glorot(22), biasInitializer: normal(23) });
  const head = tf.layers.dense({ units: 3, kernelInitializer: glorot(24), biasInitializer: normal(25) });
  const fromB = right.apply(b) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([left.apply(a) as tf.SymbolicTensor, fromB]) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([sum, fromB]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: head.apply(joined) as tf.SymbolicTensor });
  return { model, shapes: [[5], [3]], layers: { left, right, head } };
}

/** Dense → BatchNormalization (moving statistics) → tanh → Dropout → Dense with softmax: probabilities out. */
export function batchNormSoftmax(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 8, kernelInitializer: glorot(26), biasInitializer: normal(27) }),
      tf.layers.batchNormalization({
        gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 28 }),
        betaInitializer: normal(29),
        movingMeanInitializer: normal(30),
        movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.3, maxval: 2, seed: 31 }),
      }),
      tf.layers.activation({ activation: 'tanh' }),
      tf.layers.dropout({ rate: 0.5, seed: 32 }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: glorot(33), biasInitializer: normal(34) }),
    ],
  });
  return { model, shapes: [[6]] };
}

/**
 * A 20×32×3 NHWC image: Conv2D (3×5 kernel, strides [2, 1], same, relu, zero bias) → MaxPool 2 →
 * AvgPool [1, 2] → Flatten → Dense softmax. With zero conv bias relu(α·z) = α·relu(z): from the
 * zero baseline the path crosses no relu kink and each pooling window keeps its winner.
 */
export function nonSquareImage(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [20, 32, 3],
        filters: 4,
        kernelSize: [3, 5],
        strides: [2, 1],
        padding: 'same',
        activation: 'relu',
        kernelInitializer: glorot(35),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.averagePooling2d({ poolSize: [1, 2] }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: glorot(36), biasInitializer: normal(37) }),
    ],
  });
  return { model, shapes: [[20, 32, 3]] };
}

/** Flatten of a rank-3 batch [N, 4, 5] → Dense softplus → Dense (smooth: no quadrature error on the path). */
export function flattenRank3(): CoverageModel {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [4, 5] }),
      tf.layers.dense({ units: 6, activation: 'softplus', kernelInitializer: glorot(38), biasInitializer: normal(39) }),
      tf.layers.dense({ units: 2, kernelInitializer: glorot(40), biasInitializer: normal(41) }),
    ],
  });
  return { model, shapes: [[4, 5]] };
}

/** A deterministic, non-symmetric point of the given shape. */
export function pointOf(shape: readonly number[], phase = 0): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: size }, (_, i) => Math.sin(0.7 * i + phase) * 0.9 + 0.1 * Math.cos(3.1 * i));
}
