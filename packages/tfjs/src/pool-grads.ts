import * as tf from '@tensorflow/tfjs-core';

type Pad = 'same' | 'valid' | number;

/** One pooling window, cut to the image: rows [top, bottom), columns [left, right). */
interface Window {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/**
 * Calls `visit` for every (example, output pixel) with its window as the forward pooling kernels
 * read it, and writes what the visits add to dx as a tensor of the input's shape.
 */
function poolAdjoint(
  { inputs, backend, attrs }: Parameters<tf.KernelFunc>[0],
  visit: (x: Float32Array, dx: Float32Array, dy: number, at: (y: number, x: number) => number, window: Window) => void,
): tf.TensorInfo {
  const input = inputs['input'] as tf.TensorInfo;
  const shape = input.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo(
    shape,
    attrs?.['filterSize'] as [number, number] | number,
    attrs?.['strides'] as [number, number] | number,
    1,
    attrs?.['pad'] as Pad,
    attrs?.['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
  );
  const { batchSize, inHeight, inWidth, inChannels: depth, outHeight, outWidth } = info;
  const kernelBackend = backend as tf.KernelBackend;
  const dy = kernelBackend.readSync((inputs['dy'] as tf.TensorInfo).dataId) as Float32Array;
  const x = kernelBackend.readSync(input.dataId) as Float32Array;
  const dx = new Float32Array(x.length);
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const top = oy * info.strideHeight - info.padInfo.top;
      for (let ox = 0; ox < outWidth; ox++) {
        const left = ox * info.strideWidth - info.padInfo.left;
        const window = {
          top: Math.max(0, top),
          bottom: Math.min(inHeight, top + info.filterHeight),
          left: Math.max(0, left),
          right: Math.min(inWidth, left + info.filterWidth),
        };
        for (let d = 0; d < depth; d++) {
          const gradient = dy[((b * outHeight + oy) * outWidth + ox) * depth + d] as number;
          visit(x, dx, gradient, (row, col) => ((b * inHeight + row) * inWidth + col) * depth + d, window);
        }
      }
    }
  }
  return { dataId: kernelBackend.write(dx, [...shape], 'float32'), shape: [...shape], dtype: 'float32' };
}

/**
 * AvgPoolGrad as the exact adjoint of the cpu and wasm AvgPool kernels, which average each window
 * over the pixels inside the image only (TensorFlow's 'same' padding). tfjs 4.22's gradient
 * kernels divide by the full window size, so every window cut by the border got too small a gradient.
 */
export const avgPoolGrad: tf.KernelFunc = (args) =>
  poolAdjoint(args, (_x, dx, dy, at, { top, bottom, left, right }) => {
    const share = dy / Math.max((bottom - top) * (right - left), 1);
    for (let row = top; row < bottom; row++) for (let col = left; col < right; col++) dx[at(row, col)] = (dx[at(row, col)] as number) + share;
  });

/**
 * MaxPoolGrad for tfjs-backend-wasm: dy goes to the window's maximum, the last one where several
 * tie (the rule of wasm's own kernel). tfjs 4.22's wasm kernel gives no gradient at all to a
 * window whose values are all negative.
 */
export const maxPoolGradLastMaximum: tf.KernelFunc = (args) =>
  poolAdjoint(args, (x, dx, dy, at, { top, bottom, left, right }) => {
    let best = -1;
    for (let row = top; row < bottom; row++) {
      for (let col = left; col < right; col++) if (best < 0 || (x[at(row, col)] as number) >= (x[best] as number)) best = at(row, col);
    }
    if (best >= 0) dx[best] = (dx[best] as number) + dy;
  });
