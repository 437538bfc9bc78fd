import type * as tf from '@tensorflow/tfjs';
import { evaluateLayer } from './float64-layers.js';
import type { Array64, Config } from './float64-math.js';

const MODELS = new Set(['Sequential', 'Model', 'Functional']);

/**
 * A functional model in float64: each symbolic tensor from the layer that made it and that
 * layer's inputs, nested models (a Sequential used as a layer) evaluated the same way.
 */
export function evaluateModel(model: tf.LayersModel, inputs: readonly Array64[]): Array64[] {
  const known = new Map<number, Array64>(model.inputs.map((t, i) => [t.id, inputs[i] as Array64]));
  const value = (t: tf.SymbolicTensor): Array64 => {
    const hit = known.get(t.id);
    if (hit !== undefined) return hit;
    const args = t.inputs.map(value);
    const layer = t.sourceLayer as tf.layers.Layer;
    const kind = layer.getClassName();
    let out: Array64;
    if (MODELS.has(kind)) out = evaluateModel(layer as unknown as tf.LayersModel, args)[0] as Array64;
    else if (args.length > 1) out = merge(kind, layer.getConfig() as Config, args);
    else out = evaluateLayer(layer, args[0] as Array64);
    known.set(t.id, out);
    return out;
  };
  return model.outputs.map(value);
}

/** Keras merge layers of rank-1 examples (features only). */
function merge(kind: string, config: Config, xs: readonly Array64[]): Array64 {
  const [first, ...rest] = xs as [Array64, ...Array64[]];
  const elementwise = (f: (a: number, b: number) => number): Array64 => ({
    data: rest.reduce((acc, x) => acc.map((v, i) => f(v, x.data[i] as number)), Float64Array.from(first.data)),
    shape: first.shape,
  });
  switch (kind) {
    case 'Add':
      return elementwise((a, b) => a + b);
    case 'Multiply':
      return elementwise((a, b) => a * b);
    case 'Maximum':
      return elementwise(Math.max);
    case 'Minimum':
      return elementwise(Math.min);
    case 'Average': {
      const sum = elementwise((a, b) => a + b);
      return { data: sum.data.map((v) => v / xs.length), shape: sum.shape };
    }
    case 'Concatenate':
      return { data: Float64Array.from(xs.flatMap((x) => Array.from(x.data))), shape: [xs.reduce((n, x) => n + x.data.length, 0)] };
    case 'Dot': {
      // l2Normalize of tfjs-layers: x / √max(Σx², 1e-7)
      const unit = (x: Array64): Float64Array =>
        config['normalize'] === true
          ? x.data.map(
              (v) =>
                v /
                Math.sqrt(
                  Math.max(
                    x.data.reduce((s, u) => s + u * u, 0),
                    1e-7,
                  ),
                ),
            )
          : x.data;
      const [a, b] = [unit(first), unit(rest[0] as Array64)];
      return { data: Float64Array.of(a.reduce((s, v, i) => s + v * (b[i] as number), 0)), shape: [1] };
    }
    default:
      throw new Error(`no float64 reference for merge layer ${kind}`);
  }
}
