import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from '@ig/core';
import type { ContextualDecomposition } from '@ig/core';
import { UnsupportedModelError } from './errors.js';
import { activationRule, DECOMPOSED_ACTIVATIONS, eluOf, reluRule, shapleyRule, type Pair } from './cd-activations.js';

/** The parts of a tfjs-layers layer the decomposition reads. */
export interface DecomposableLayer {
  readonly name: string;
  getClassName(): string;
  getConfig(): object;
  getWeights(): tf.Tensor[];
}

/** A tfjs-layers Sequential model (its layers run one after the other). */
export interface SequentialLike {
  readonly layers: readonly DecomposableLayer[];
  getClassName(): string;
}

type Config = Record<string, unknown>;

const EPSILON = 1e-20;

/** The bias split in proportion to the magnitudes of the two linear parts (`acd`'s propagate_conv_linear). */
function splitBias([lr, li]: Pair, bias: tf.Tensor): Pair {
  const wr = tf.add(tf.abs(lr), EPSILON);
  const wi = tf.add(tf.abs(li), EPSILON);
  const total = tf.add(wr, wi);
  return [tf.add(lr, tf.mul(tf.div(wr, total), bias)), tf.add(li, tf.mul(tf.div(wi, total), bias))];
}

const PASS_THROUGH = new Set(['InputLayer', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout']);
const LAYERS = new Set([
  ...PASS_THROUGH,
  'Conv2D',
  'Dense',
  'Flatten',
  'Reshape',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ThresholdedReLU',
  'ELU',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'BatchNormalization',
]);

/** Why a layer cannot be decomposed, or null. */
function problemOf(layer: DecomposableLayer): string | null {
  const kind = layer.getClassName();
  if (!LAYERS.has(kind)) return `${kind} layer "${layer.name}" has no contextual-decomposition rule`;
  const config = layer.getConfig() as Config;
  const act = config['activation'];
  if (typeof act === 'string' && !DECOMPOSED_ACTIVATIONS.has(act)) {
    return `${kind} layer "${layer.name}" has activation ${act}${act === 'softmax' ? ' (contextual decomposition splits logits: use a model without the final softmax)' : ', which has no rule'}`;
  }
  if (config['dataFormat'] === 'channelsFirst') return `${kind} layer "${layer.name}" is channels-first; only channels-last layers are supported`;
  return null;
}

function applyLayer(layer: DecomposableLayer, pair: Pair): Pair {
  const kind = layer.getClassName();
  const config = layer.getConfig() as Config;
  const [r, i] = pair;
  const each = (f: (x: tf.Tensor) => tf.Tensor): Pair => [f(r), f(i)];
  const weights = layer.getWeights();
  switch (kind) {
    case 'Conv2D': {
      const conv = (x: tf.Tensor): tf.Tensor =>
        tf.conv2d(
          x as tf.Tensor4D,
          weights[0] as tf.Tensor4D,
          config['strides'] as [number, number],
          config['padding'] as 'same' | 'valid',
          'NHWC',
          config['dilationRate'] as [number, number],
        );
      const linear = each(conv);
      return activationRule(config['activation'] as string, config['useBias'] === false ? linear : splitBias(linear, weights[1] as tf.Tensor));
    }
    case 'Dense': {
      const kernel = weights[0] as tf.Tensor2D;
      const dense = (x: tf.Tensor): tf.Tensor =>
        tf.reshape(tf.matMul(tf.reshape(x, [-1, kernel.shape[0]]), kernel), [...x.shape.slice(0, -1), kernel.shape[1]]);
      const linear = each(dense);
      return activationRule(config['activation'] as string, config['useBias'] === false ? linear : splitBias(linear, weights[1] as tf.Tensor));
    }
    case 'Flatten':
      return each((x) => tf.reshape(x, [x.shape[0] as number, -1]));
    case 'Reshape':
      return each((x) => tf.reshape(x, [x.shape[0] as number, ...(config['targetShape'] as number[])]));
    case 'Activation':
      return activationRule(config['activation'] as string, pair);
    case 'ReLU': {
      const maxValue = config['maxValue'];
      return reluRule(typeof maxValue === 'number' ? (x) => tf.minimum(maxValue, tf.relu(x)) : tf.relu, pair);
    }
    case 'LeakyReLU':
      return reluRule((x) => tf.leakyRelu(x, config['alpha'] as number), pair);
    case 'PReLU':
      return reluRule((x) => tf.prelu(x, weights[0] as tf.Tensor), pair);
    case 'ThresholdedReLU':
      return reluRule((x) => tf.mul(x, tf.cast(tf.greater(x, config['theta'] as number), 'float32')), pair);
    case 'ELU':
      return shapleyRule(eluOf(config['alpha'] as number), 0, pair);
    case 'AveragePooling2D':
      return each((x) =>
        tf.avgPool(
          x as tf.Tensor4D,
          config['poolSize'] as [number, number],
          (config['strides'] ?? config['poolSize']) as [number, number],
          config['padding'] as 'same' | 'valid',
        ),
      );
    case 'GlobalAveragePooling2D':
      return each((x) => tf.mean(x, [1, 2]));
    case 'MaxPooling2D': {
      const { indexes } = tf.maxPoolWithArgmax(
        tf.add(r, i) as tf.Tensor4D,
        config['poolSize'] as [number, number],
        (config['strides'] ?? config['poolSize']) as [number, number],
        config['padding'] as 'same' | 'valid',
        true,
      );
      return each((x) => tf.gather(tf.reshape(x, [-1]), indexes as tf.Tensor));
    }
    case 'BatchNormalization':
      return batchNorm(config, weights, pair);
    default:
      return pair;
  }
}

/** The shift split in proportion (0 when both parts are 0), irrel' = BN(r + i) − rel', as `acd`. */
function batchNorm(config: Config, weights: tf.Tensor[], [r, i]: Pair): Pair {
  const list = [...weights];
  const gamma = config['scale'] === false ? null : (list.shift() as tf.Tensor);
  const beta = config['center'] === false ? null : (list.shift() as tf.Tensor);
  const [mean, variance] = list as [tf.Tensor, tf.Tensor];
  const a = tf.div(gamma ?? 1, tf.sqrt(tf.add(variance, config['epsilon'] as number)));
  const shift = tf.sub(beta ?? 0, tf.mul(a, mean));
  // BN(x) − BN(0), rounded as `acd` (and the ONNX rewrite) computes it: a part far below the shift
  // (a bias share of order 1e-20) vanishes, so a unit with no relevant input keeps its shift irrelevant.
  const lr = tf.sub(tf.add(tf.mul(r, a), shift), shift);
  const li = tf.sub(tf.add(tf.mul(i, a), shift), shift);
  const wr = tf.abs(lr);
  const rel = tf.add(lr, tf.mul(tf.div(wr, tf.maximum(tf.add(wr, tf.abs(li)), 1e-30)), shift));
  return [rel, tf.sub(tf.add(tf.mul(tf.add(r, i), a), shift), rel)];
}

/**
 * Contextual decomposition (the `acd` package's rules, as `@ig/onnx` applies them to ONNX graphs)
 * of a tfjs-layers Sequential model of Conv2D, Dense, BatchNormalization, MaxPooling2D,
 * AveragePooling2D, GlobalAveragePooling2D, Flatten, Reshape, Dropout, the ReLU, LeakyReLU, PReLU,
 * ThresholdedReLU and ELU layers and every activation but softmax (see cd-activations.ts),
 * channels-last. Throws UnsupportedModelError naming every other layer.
 */
export function tfjsContextualDecomposition(model: SequentialLike): ContextualDecomposition {
  if (model.getClassName() !== 'Sequential')
    throw new UnsupportedModelError(`contextual decomposition runs on Sequential models; this is a ${model.getClassName()}`);
  const problems = model.layers.map(problemOf).filter((p): p is string => p !== null);
  if (problems.length > 0) throw new UnsupportedModelError(`no contextual decomposition for:\n  ${problems.join('\n  ')}`);
  return {
    name: `tfjs-${tf.getBackend()} contextual decomposition`,
    decompose: async (input, pointShape, masks, count) => {
      const size = input.length;
      if (masks.length !== count * size) throw new ShapeMismatchError(`${count} masks need ${count * size} values, got ${masks.length}`);
      const [relevant, irrelevant] = tf.tidy(() => {
        const m = tf.tensor(masks, [count, ...pointShape]);
        const x = tf.tensor(input, [1, ...pointShape]);
        let pair: Pair = [tf.mul(m, x), tf.mul(tf.sub(1, m), x)];
        for (const layer of model.layers) pair = applyLayer(layer, pair);
        return [tf.reshape(pair[0], [count, -1]), tf.reshape(pair[1], [count, -1])];
      });
      const out = { relevant: (await relevant.data()) as Float32Array, irrelevant: (await irrelevant.data()) as Float32Array };
      relevant.dispose();
      irrelevant.dispose();
      return out;
    },
  };
}
