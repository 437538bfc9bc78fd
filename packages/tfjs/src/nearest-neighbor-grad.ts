import type * as tf from '@tensorflow/tfjs-core';

/**
 * The source pixel of each output row (or column) in tfjs-backend-cpu's ResizeNearestNeighbor
 * forward kernel, with the same alignCorners and halfPixelCenters rules.
 */
function sources(oldSize: number, newSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const aligned = alignCorners && newSize > 1;
  const ratio = (aligned ? oldSize - 1 : oldSize) / (aligned ? newSize - 1 : newSize);
  return Int32Array.from({ length: newSize }, (_, i) => {
    const fraction = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    const nearest = Math.min(oldSize - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
    return halfPixelCenters ? Math.max(0, nearest) : nearest;
  });
}

/**
 * ResizeNearestNeighborGrad as the exact adjoint of the cpu forward kernel: each dy value is
 * added to the input pixel the forward pass copied it from. tfjs-backend-cpu 4.22's own kernel
 * reads dy at the image's batch offset, so every example after the first in a batch got a wrong
 * gradient (and it ignores halfPixelCenters).
 */
export const resizeNearestNeighborGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const images = inputs['images'] as tf.TensorInfo;
  const dy = inputs['dy'] as tf.TensorInfo;
  const alignCorners = attrs?.['alignCorners'] === true;
  const halfPixelCenters = attrs?.['halfPixelCenters'] === true;
  const [batch, height, width, depth] = images.shape as [number, number, number, number];
  const [, newHeight, newWidth] = dy.shape as [number, number, number, number];
  const rows = sources(height, newHeight, alignCorners, halfPixelCenters);
  const cols = sources(width, newWidth, alignCorners, halfPixelCenters);
  const cpu = backend as tf.KernelBackend;
  const dyValues = cpu.readSync(dy.dataId) as Float32Array;
  const output = new Float32Array(batch * height * width * depth);
  let at = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < newHeight; r++) {
      const rowStart = (b * height + (rows[r] as number)) * width;
      for (let c = 0; c < newWidth; c++) {
        const pixel = (rowStart + (cols[c] as number)) * depth;
        for (let d = 0; d < depth; d++) output[pixel + d] = (output[pixel + d] as number) + (dyValues[at++] as number);
      }
    }
  }
  const shape = [...images.shape];
  return { dataId: cpu.write(output, shape, 'float32'), shape, dtype: 'float32' };
};
