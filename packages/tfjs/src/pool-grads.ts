import * as tf from '@tensorflow/tfjs-core';

type Pad = 'same' | 'valid' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** A pooling's sizes as depth × height × width (depth 1 for 2D pooling). */
interface Geometry {
  readonly batch: number;
  readonly channels: number;
  readonly inSize: readonly [number, number, number];
  readonly outSize: readonly [number, number, number];
  readonly filter: readonly [number, number, number];
  readonly strides: readonly [number, number, number];
  /** Padding before the first pixel along each axis. */
  readonly before: readonly [number, number, number];
}

function geometry(input: tf.TensorInfo, attrs: tf.NamedAttrMap | undefined, volumetric: boolean): Geometry {
  const filterSize = attrs?.['filterSize'] as number | number[];
  const strides = attrs?.['strides'] as number | number[];
  const pad = attrs?.['pad'] as Pad;
  const rounding = attrs?.['dimRoundingMode'] as Rounding;
  if (volumetric) {
    const i = tf.backend_util.computePool3DInfo(
      input.shape as [number, number, number, number, number],
      filterSize as number,
      strides as number,
      1,
      pad,
      rounding,
    );
    return {
      batch: i.batchSize,
      channels: i.inChannels,
      inSize: [i.inDepth, i.inHeight, i.inWidth],
      outSize: [i.outDepth, i.outHeight, i.outWidth],
      filter: [i.filterDepth, i.filterHeight, i.filterWidth],
      strides: [i.strideDepth, i.strideHeight, i.strideWidth],
      before: [i.padInfo.front, i.padInfo.top, i.padInfo.left],
    };
  }
  const i = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize as number, strides as number, 1, pad, rounding);
  return {
    batch: i.batchSize,
    channels: i.inChannels,
    inSize: [1, i.inHeight, i.inWidth],
    outSize: [1, i.outHeight, i.outWidth],
    filter: [1, i.filterHeight, i.filterWidth],
    strides: [1, i.strideHeight, i.strideWidth],
    before: [0, i.padInfo.top, i.padInfo.left],
  };
}

/**
 * For every example, output pixel and channel, `visit` gets dy there, the flat input indices of
 * its window's pixels at channel 0 as the forward kernels read them (cut to the input at the
 * border) and the channel; what the visits add to dx comes back as a tensor of the input's shape.
 */
function poolAdjoint(
  { inputs, backend, attrs }: Parameters<tf.KernelFunc>[0],
  volumetric: boolean,
  visit: (x: Float32Array, dx: Float32Array, dy: number, window: readonly number[], channel: number) => void,
): tf.TensorInfo {
  const input = inputs['input'] as tf.TensorInfo;
  const g = geometry(input, attrs, volumetric);
  const kernelBackend = backend as tf.KernelBackend;
  const dy = kernelBackend.readSync((inputs['dy'] as tf.TensorInfo).dataId) as Float32Array;
  const x = kernelBackend.readSync(input.dataId) as Float32Array;
  const dx = new Float32Array(x.length);
  const [inD, inH, inW] = g.inSize;
  const [outD, outH, outW] = g.outSize;
  const range = (axis: 0 | 1 | 2, o: number): number[] => {
    const start = o * (g.strides[axis] as number) - (g.before[axis] as number);
    const from = Math.max(0, start);
    const to = Math.min(g.inSize[axis] as number, start + (g.filter[axis] as number));
    return Array.from({ length: Math.max(to - from, 0) }, (_, k) => from + k);
  };
  let at = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let od = 0; od < outD; od++) {
      for (let oh = 0; oh < outH; oh++) {
        for (let ow = 0; ow < outW; ow++) {
          const pixels = range(0, od).flatMap((d) => range(1, oh).flatMap((h) => range(2, ow).map((w) => (((b * inD + d) * inH + h) * inW + w) * g.channels)));
          for (let c = 0; c < g.channels; c++, at++) visit(x, dx, dy[at] as number, pixels, c);
        }
      }
    }
  }
  return { dataId: kernelBackend.write(dx, [...input.shape], 'float32'), shape: [...input.shape], dtype: 'float32' };
}

/** dy spread evenly over the window's pixels inside the input. */
const average = (_x: Float32Array, dx: Float32Array, dy: number, window: readonly number[], channel: number): void => {
  const share = dy / Math.max(window.length, 1);
  for (const pixel of window) dx[pixel + channel] = (dx[pixel + channel] as number) + share;
};

/** dy to the window's maximum, the last one where several tie (the rule of wasm's own kernels). */
const lastMaximum = (x: Float32Array, dx: Float32Array, dy: number, window: readonly number[], channel: number): void => {
  let best = -1;
  for (const pixel of window) if (best < 0 || (x[pixel + channel] as number) >= (x[best] as number)) best = pixel + channel;
  if (best >= 0) dx[best] = (dx[best] as number) + dy;
};

/**
 * AvgPoolGrad and AvgPool3DGrad as the exact adjoints of the cpu and wasm forward kernels, which
 * average each window over the pixels inside the input only (TensorFlow's 'same' padding). tfjs
 * 4.22's gradient kernels divide by the full window, so every window cut by the border got too small a gradient.
 */
export const avgPoolGrad: tf.KernelFunc = (args) => poolAdjoint(args, false, average);
export const avgPool3dGrad: tf.KernelFunc = (args) => poolAdjoint(args, true, average);

/** MaxPoolGrad and MaxPool3DGrad for tfjs-backend-wasm, whose 4.22 kernels give nothing to a window of negative values only. */
export const maxPoolGradLastMaximum: tf.KernelFunc = (args) => poolAdjoint(args, false, lastMaximum);
export const maxPool3dGradLastMaximum: tf.KernelFunc = (args) => poolAdjoint(args, true, lastMaximum);
