import type * as tf from '@tensorflow/tfjs';
import { activate, dense, type Array64, type Config, type Weights } from './float64-math.js';
import { recurrentLayer } from './float64-recurrent.js';

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
      return pool(x, config['poolSize'] as number[], kind === 'MaxPooling2D');
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
    default:
      throw new Error(`no float64 reference for layer ${kind}`);
  }
}

function addBias(x: Array64, bias: Float64Array | undefined): Array64 {
  if (bias === undefined) return x;
  return { data: x.data.map((v, i) => v + (bias[i % bias.length] as number)), shape: x.shape };
}

/** TensorFlow's 'same' padding puts the odd pixel at the end. */
function padding(size: number, kernel: number, stride: number, dilation: number, mode: string): { out: number; before: number } {
  const span = (kernel - 1) * dilation + 1;
  if (mode === 'valid') return { out: Math.floor((size - span) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + span - size, 0) / 2) };
}

/**
 * NHWC convolution of one [H, W, C] example. Full: kernel [kh, kw, C, outChannels]. Depthwise:
 * kernel [kh, kw, C, multiplier], output channel c·multiplier + m reads input channel c only.
 */
function conv(x: Array64, kernel: Float64Array, [kh, kw]: number[], perGroup: number, config: Config, depthwise: boolean): Array64 {
  const [height, width, channels] = x.shape as [number, number, number];
  const [sh, sw] = (config['strides'] as number[] | undefined) ?? [1, 1];
  const dilation = config['dilationRate'] as number | number[] | undefined;
  const [dh, dw] = Array.isArray(dilation) ? dilation : [dilation ?? 1, dilation ?? 1];
  const mode = (config['padding'] as string | undefined) ?? 'valid';
  const rows = padding(height, kh as number, sh as number, dh as number, mode);
  const cols = padding(width, kw as number, sw as number, dw as number, mode);
  const outChannels = depthwise ? channels * perGroup : perGroup;
  const data = new Float64Array(rows.out * cols.out * outChannels);
  for (let oy = 0; oy < rows.out; oy++) {
    for (let ox = 0; ox < cols.out; ox++) {
      for (let ky = 0; ky < (kh as number); ky++) {
        const y = oy * (sh as number) + ky * (dh as number) - rows.before;
        if (y < 0 || y >= height) continue;
        for (let kx = 0; kx < (kw as number); kx++) {
          const xx = ox * (sw as number) + kx * (dw as number) - cols.before;
          if (xx < 0 || xx >= width) continue;
          const at = (oy * cols.out + ox) * outChannels;
          for (let c = 0; c < channels; c++) {
            const v = x.data[(y * width + xx) * channels + c] as number;
            const tap = ((ky * (kw as number) + kx) * channels + c) * perGroup;
            for (let o = 0; o < perGroup; o++) {
              const out = depthwise ? c * perGroup + o : o;
              data[at + out] = (data[at + out] as number) + v * (kernel[tap + o] as number);
            }
          }
        }
      }
    }
  }
  return { data, shape: [rows.out, cols.out, outChannels] };
}

function pool(x: Array64, [ph, pw]: number[], max: boolean): Array64 {
  const [height, width, channels] = x.shape as [number, number, number];
  const outH = Math.floor(height / (ph as number));
  const outW = Math.floor(width / (pw as number));
  const data = new Float64Array(outH * outW * channels);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let c = 0; c < channels; c++) {
        const window: number[] = [];
        for (let ky = 0; ky < (ph as number); ky++) {
          for (let kx = 0; kx < (pw as number); kx++)
            window.push(x.data[((oy * (ph as number) + ky) * width + ox * (pw as number) + kx) * channels + c] as number);
        }
        data[(oy * outW + ox) * channels + c] = max ? Math.max(...window) : window.reduce((a, b) => a + b, 0) / window.length;
      }
    }
  }
  return { data, shape: [outH, outW, channels] };
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
