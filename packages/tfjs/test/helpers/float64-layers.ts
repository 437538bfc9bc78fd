import type * as tf from '@tensorflow/tfjs';
import { activate, dense, type Array64, type Config, type Weights } from './float64-math.js';
import { conv } from './float64-conv.js';
import { recurrentLayer } from './float64-recurrent.js';
import { poolLayer } from './float64-shape-layers.js';
import { evaluateSweepLayer } from './float64-sweep-layers.js';

export type { Array64 } from './float64-math.js';

/**
 * A float64 re-implementation of the tfjs-layers layers the coverage tests use, written from the
 * Keras definitions and reading only each layer's config and weights: the independent truth that
 * central finite differences are taken of.
 */
export function evaluateLayers(layers: readonly tf.layers.Layer[], x: Array64): Array64 {
  return layers.reduce((value, layer) => evaluateLayer(layer, value), x);
}

export function evaluateLayer(layer: tf.layers.Layer, x: Array64): Array64 {
  const config = layer.getConfig() as Config;
  const weights = layer.getWeights().map((w) => Float64Array.from(w.dataSync()));
  // the last axis of a depthwise kernel [kh, kw, C, multiplier] is the depth multiplier
  const multiplier = layer.getWeights()[0]?.shape.at(-1) ?? 1;
  const kind = layer.getClassName();
  switch (kind) {
    case 'InputLayer':
    case 'Dropout':
      return x;
    case 'Flatten':
      return { data: x.data, shape: [x.data.length] };
    case 'Dense':
      return activate(config, dense(x, weights[0] as Float64Array, weights[1]));
    case 'Activation':
      return activate(config, x);
    case 'BatchNormalization':
      return batchNorm(x, weights, config['epsilon'] as number);
    case 'Conv1D': {
      const [steps, channels] = x.shape as [number, number];
      const size = [config['kernelSize']].flat()[0] as number;
      const stride = [config['strides'] ?? 1].flat()[0] as number;
      const dilation = [config['dilationRate'] ?? 1].flat()[0] as number;
      const asRow = { ...config, strides: [1, stride], dilationRate: [1, dilation] };
      const out = conv({ data: x.data, shape: [1, steps, channels] }, weights[0] as Float64Array, [1, size], config['filters'] as number, asRow, false);
      return activate(config, addBias({ data: out.data, shape: out.shape.slice(1) }, weights[1]));
    }
    case 'Conv2D':
      return activate(
        config,
        addBias(conv(x, weights[0] as Float64Array, config['kernelSize'] as number[], config['filters'] as number, config, false), weights[1]),
      );
    case 'DepthwiseConv2D':
      return activate(config, addBias(conv(x, weights[0] as Float64Array, config['kernelSize'] as number[], multiplier, config, true), weights[1]));
    case 'SeparableConv2D': {
      const depthwise = conv(x, weights[0] as Float64Array, config['kernelSize'] as number[], multiplier, config, true);
      const pointwise = dense(depthwise, weights[1] as Float64Array, weights[2]);
      return activate(config, pointwise);
    }
    case 'GlobalAveragePooling1D':
      return meanOverSteps(x);
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return poolLayer(kind, config, x);
    case 'Embedding': {
      const width = config['outputDim'] as number;
      const table = weights[0] as Float64Array;
      const data = new Float64Array(x.data.length * width);
      x.data.forEach((id, t) => data.set(table.subarray(id * width, (id + 1) * width), t * width));
      return { data, shape: [...x.shape, width] };
    }
    case 'LSTM':
    case 'GRU':
    case 'SimpleRNN':
      return recurrentLayer(kind, x, weights, config);
    default: {
      const swept = evaluateSweepLayer(layer, x, config, weights, evaluateLayer);
      if (swept === undefined) throw new Error(`no float64 reference for layer ${kind}`);
      return swept;
    }
  }
}

function addBias(x: Array64, bias: Float64Array | undefined): Array64 {
  if (bias === undefined) return x;
  return { data: x.data.map((v, i) => v + (bias[i % bias.length] as number)), shape: x.shape };
}

function meanOverSteps(x: Array64): Array64 {
  const [steps, channels] = x.shape as [number, number];
  const data = new Float64Array(channels);
  for (let t = 0; t < steps; t++) for (let c = 0; c < channels; c++) data[c] = (data[c] as number) + (x.data[t * channels + c] as number) / steps;
  return { data, shape: [channels] };
}

/** Inference mode: (x − moving mean) / √(moving variance + ε) · γ + β over the last axis. */
function batchNorm(x: Array64, [gamma, beta, mean, variance]: Weights, epsilon: number): Array64 {
  const width = (gamma as Float64Array).length;
  const data = x.data.map((v, i) => {
    const c = i % width;
    return ((v - (mean?.[c] as number)) / Math.sqrt((variance?.[c] as number) + epsilon)) * (gamma?.[c] as number) + (beta?.[c] as number);
  });
  return { data, shape: x.shape };
}
