import { padding } from './float64-conv.js';
import type { Array64, Config } from './float64-math.js';

/**
 * Float64 references of the layers that only move, pad, crop or pool values (tfjs-layers 4.22),
 * one example without the batch axis, read from each layer's config.
 */

/** Cropping2D and ZeroPadding2D: [H, W, C] → rows and columns removed (negative) or zero-added at each side. */
export function reframe(x: Array64, frame: readonly (readonly [number, number])[]): Array64 {
  const [[top, bottom], [left, right]] = frame as [readonly [number, number], readonly [number, number]];
  const [height, width, channels] = x.shape as [number, number, number];
  const outH = height + top + bottom;
  const outW = width + left + right;
  const data = new Float64Array(outH * outW * channels);
  for (let y = 0; y < outH; y++) {
    for (let xx = 0; xx < outW; xx++) {
      const sy = y - top;
      const sx = xx - left;
      if (sy < 0 || sy >= height || sx < 0 || sx >= width) continue;
      data.set(x.data.subarray((sy * width + sx) * channels, (sy * width + sx + 1) * channels), (y * outW + xx) * channels);
    }
  }
  return { data, shape: [outH, outW, channels] };
}

/** Pairs [before, after] per spatial axis from a Keras cropping/padding config (number, pair, or pair of pairs). */
export function sides(value: unknown): [number, number][] {
  if (typeof value === 'number')
    return [
      [value, value],
      [value, value],
    ];
  const pairs = value as (number | number[])[];
  return pairs.map((p) => (typeof p === 'number' ? [p, p] : [p[0] as number, p[1] as number]));
}

/**
 * 3D max or average pooling of [D, H, W, C] with TensorFlow's padding: 'same' windows are cut at
 * the border and an average is over the pixels inside the input only.
 */
export function pool3d(x: Array64, filter: readonly number[], strides: readonly number[], mode: string, max: boolean): Array64 {
  const sizes = x.shape.slice(0, 3);
  const channels = x.shape[3] as number;
  const axes = sizes.map((size, a) => padding(size, filter[a] as number, strides[a] as number, 1, mode));
  const [od, oh, ow] = axes.map((a) => a.out) as [number, number, number];
  const taps = (axis: number, o: number): number[] =>
    Array.from({ length: filter[axis] as number }, (_, k) => o * (strides[axis] as number) + k - (axes[axis]?.before ?? 0)).filter(
      (i) => i >= 0 && i < (sizes[axis] as number),
    );
  const data = new Float64Array(od * oh * ow * channels);
  for (let z = 0; z < od; z++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        const pixels = taps(0, z).flatMap((d) =>
          taps(1, y).flatMap((h) => taps(2, xx).map((w) => ((d * (sizes[1] as number) + h) * (sizes[2] as number) + w) * channels)),
        );
        for (let c = 0; c < channels; c++) {
          const window = pixels.map((p) => x.data[p + c] as number);
          data[((z * oh + y) * ow + xx) * channels + c] = max ? Math.max(...window) : window.reduce((a, b) => a + b, 0) / window.length;
        }
      }
    }
  }
  return { data, shape: [od, oh, ow, channels] };
}

/** 2D pooling of [H, W, C]: the 3D pooling of a depth of 1. */
export function pool2d(x: Array64, [ph, pw]: readonly number[], [sh, sw]: readonly number[], mode: string, max: boolean): Array64 {
  const out = pool3d({ data: x.data, shape: [1, ...x.shape] }, [1, ph as number, pw as number], [1, sh as number, sw as number], mode, max);
  return { data: out.data, shape: out.shape.slice(1) };
}

/** Pooling layers of rank 1, 2 and 3 and GlobalMaxPooling2D, from their configs. */
export function poolLayer(kind: string, config: Config, x: Array64): Array64 {
  const pair = (v: unknown, fallback: unknown): number[] => [v ?? fallback].flat() as number[];
  const mode = (config['padding'] as string | undefined) ?? 'valid';
  const max = kind.startsWith('Max');
  if (kind === 'GlobalMaxPooling2D') {
    const [height, width, channels] = x.shape as [number, number, number];
    const data = Float64Array.from({ length: channels }, (_, c) =>
      Math.max(...Array.from({ length: height * width }, (_, p) => x.data[p * channels + c] as number)),
    );
    return { data, shape: [channels] };
  }
  if (kind.endsWith('3D')) {
    const triple = (v: unknown, fallback: readonly number[]): number[] => {
      if (v === undefined || v === null) return [...fallback];
      const values = [v].flat() as number[];
      return values.length === 1 ? values.concat(values, values) : values;
    };
    const sizes = triple(config['poolSize'], [2, 2, 2]);
    return pool3d(x, sizes, triple(config['strides'], sizes), mode, max);
  }
  if (kind.endsWith('1D')) {
    const [steps, channels] = x.shape as [number, number];
    const poolSize = pair(config['poolSize'], 2)[0] as number;
    const stride = pair(config['strides'], poolSize)[0] as number;
    const out = pool2d({ data: x.data, shape: [1, steps, channels] }, [1, poolSize], [1, stride], mode, max);
    return { data: out.data, shape: out.shape.slice(1) };
  }
  const poolSize = pair(config['poolSize'], 2);
  const sizes = poolSize.length === 1 ? [poolSize[0], poolSize[0]] : poolSize;
  const strides = config['strides'] === undefined || config['strides'] === null ? sizes : pair(config['strides'], 1);
  return pool2d(x, sizes as number[], (strides.length === 1 ? [strides[0], strides[0]] : strides) as number[], mode, max);
}

/** Reshape, Permute (1-based dims) and RepeatVector. */
export function rearrange(kind: string, config: Config, x: Array64): Array64 {
  if (kind === 'Reshape') {
    const target = config['targetShape'] as number[];
    const known = target.filter((d) => d > 0).reduce((a, b) => a * b, 1);
    return { data: x.data, shape: target.map((d) => (d > 0 ? d : x.data.length / known)) };
  }
  if (kind === 'RepeatVector') {
    const n = config['n'] as number;
    const data = new Float64Array(n * x.data.length);
    for (let t = 0; t < n; t++) data.set(x.data, t * x.data.length);
    return { data, shape: [n, ...x.shape] };
  }
  const dims = (config['dims'] as number[]).map((d) => d - 1);
  const shape = dims.map((d) => x.shape[d] as number);
  const strides = x.shape.map((_, axis) => x.shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const data = new Float64Array(x.data.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < data.length; i++) {
    let rest = i;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis] = rest % (shape[axis] as number);
      rest = Math.floor(rest / (shape[axis] as number));
    }
    data[i] = x.data[dims.reduce((at, d, axis) => at + (index[axis] as number) * (strides[d] as number), 0)] as number;
  }
  return { data, shape };
}
