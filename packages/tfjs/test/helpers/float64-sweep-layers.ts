import type * as tf from '@tensorflow/tfjs';
import { conv2dTranspose, conv3d } from './float64-conv.js';
import { activate, type Array64, type Config, type Weights } from './float64-math.js';
import { poolLayer, rearrange, reframe, sides } from './float64-shape-layers.js';

/** Layers that are the identity at inference. */
const INFERENCE_IDENTITY = new Set(['GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'SpatialDropout1D']);
const POOLS = new Set(['AveragePooling1D', 'MaxPooling1D', 'AveragePooling2D', 'GlobalMaxPooling2D', 'AveragePooling3D', 'MaxPooling3D']);
const REARRANGE = new Set(['Reshape', 'Permute', 'RepeatVector']);

/** A wrapper's inner layers, as tfjs-layers keeps them (TimeDistributed.layer, Bidirectional.forwardLayer / backwardLayer). */
interface Wrapped {
  readonly layer?: tf.layers.Layer;
  readonly forwardLayer?: tf.layers.Layer;
  readonly backwardLayer?: tf.layers.Layer;
}

const map = (x: Array64, f: (v: number, i: number) => number): Array64 => ({ data: x.data.map(f), shape: x.shape });

/** Evaluates any layer in float64: float64-layers.ts's evaluateLayer, passed in for the wrappers' inner layers. */
type Evaluate = (layer: tf.layers.Layer, x: Array64) => Array64;

/**
 * Float64 references of the layers the sweep tests add to those of float64-layers.ts, written from
 * the Keras definitions; undefined for a layer kind this file does not know.
 */
export function evaluateSweepLayer(layer: tf.layers.Layer, x: Array64, config: Config, weights: Weights, evaluateLayer: Evaluate): Array64 | undefined {
  const kind = layer.getClassName();
  if (INFERENCE_IDENTITY.has(kind)) return x;
  if (POOLS.has(kind)) return poolLayer(kind, config, x);
  if (REARRANGE.has(kind)) return rearrange(kind, config, x);
  switch (kind) {
    case 'Cropping2D':
      return reframe(
        x,
        sides(config['cropping']).map(([a, b]) => [-a, -b]),
      );
    case 'ZeroPadding2D':
      return reframe(x, sides(config['padding']));
    case 'Conv2DTranspose': {
      const out = conv2dTranspose(x, weights[0] as Float64Array, config['kernelSize'] as number[], config['filters'] as number, config);
      return activate(config, addBias(out, weights[1]));
    }
    case 'Conv3D':
      return activate(
        config,
        addBias(conv3d(x, weights[0] as Float64Array, config['kernelSize'] as number[], config['filters'] as number, config), weights[1]),
      );
    case 'LeakyReLU': {
      const alpha = (config['alpha'] as number | undefined) ?? 0.3;
      return map(x, (v) => (v > 0 ? v : alpha * v));
    }
    case 'PReLU':
      // one alpha per input element (no sharedAxes)
      return map(x, (v, i) => (v > 0 ? v : (weights[0]?.[i] as number) * v));
    case 'ELU':
      return map(x, (v) => (v > 0 ? v : Math.expm1(v)));
    case 'ReLU': {
      const top = (config['maxValue'] as number | null | undefined) ?? Infinity;
      return map(x, (v) => Math.min(Math.max(v, 0), top));
    }
    case 'Softmax':
      return activate({ activation: 'softmax' }, x);
    case 'LayerNormalization':
      return layerNorm(x, weights, (config['epsilon'] as number | undefined) ?? 1e-3);
    case 'TimeDistributed':
      return timeDistributed((layer as unknown as Wrapped).layer as tf.layers.Layer, x, evaluateLayer);
    case 'Bidirectional':
      return bidirectional(layer as unknown as Wrapped, x, config, evaluateLayer);
    default:
      return undefined;
  }
}

function addBias(x: Array64, bias: Float64Array | undefined): Array64 {
  return bias === undefined ? x : map(x, (v, i) => v + (bias[i % bias.length] as number));
}

/** (x − mean) / √(variance + ε) · γ + β over the last axis. */
function layerNorm(x: Array64, [gamma, beta]: Weights, epsilon: number): Array64 {
  const width = x.shape.at(-1) as number;
  const data = new Float64Array(x.data.length);
  for (let start = 0; start < x.data.length; start += width) {
    const row = x.data.subarray(start, start + width);
    const mean = row.reduce((a, b) => a + b, 0) / width;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / width;
    row.forEach((v, j) => (data[start + j] = ((v - mean) / Math.sqrt(variance + epsilon)) * (gamma?.[j] ?? 1) + (beta?.[j] ?? 0)));
  }
  return { data, shape: x.shape };
}

/** The inner layer applied to each time step [T, ...] on its own. */
function timeDistributed(inner: tf.layers.Layer, x: Array64, evaluateLayer: Evaluate): Array64 {
  const steps = x.shape[0] as number;
  const width = x.data.length / steps;
  const outputs = Array.from({ length: steps }, (_, t) => evaluateLayer(inner, { data: x.data.slice(t * width, (t + 1) * width), shape: x.shape.slice(1) }));
  const data = new Float64Array(outputs.reduce((n, o) => n + o.data.length, 0));
  outputs.forEach((o, t) => data.set(o.data, t * o.data.length));
  return { data, shape: [steps, ...(outputs[0]?.shape ?? [])] };
}

/** Forward and backward (goBackwards) layers; with returnSequences the backward outputs are put back in time order. */
function bidirectional(wrapper: Wrapped, x: Array64, config: Config, evaluateLayer: Evaluate): Array64 {
  const forward = evaluateLayer(wrapper.forwardLayer as tf.layers.Layer, x);
  let backward = evaluateLayer(wrapper.backwardLayer as tf.layers.Layer, x);
  if (forward.shape.length === 2) {
    const [steps, units] = backward.shape as [number, number];
    const data = new Float64Array(backward.data.length);
    for (let t = 0; t < steps; t++) data.set(backward.data.subarray((steps - 1 - t) * units, (steps - t) * units), t * units);
    backward = { data, shape: backward.shape };
  }
  const other = backward.data;
  switch (config['mergeMode']) {
    case 'sum':
      return map(forward, (v, i) => v + (other[i] as number));
    case 'mul':
      return map(forward, (v, i) => v * (other[i] as number));
    case 'ave':
      return map(forward, (v, i) => 0.5 * (v + (other[i] as number)));
    case 'concat': {
      const units = forward.shape.at(-1) as number;
      const rows = forward.data.length / units;
      const data = new Float64Array(2 * forward.data.length);
      for (let r = 0; r < rows; r++) {
        data.set(forward.data.subarray(r * units, (r + 1) * units), 2 * r * units);
        data.set(other.subarray(r * units, (r + 1) * units), (2 * r + 1) * units);
      }
      return { data, shape: [...forward.shape.slice(0, -1), 2 * units] };
    }
    default:
      throw new Error(`no float64 reference for Bidirectional mergeMode ${String(config['mergeMode'])}`);
  }
}
