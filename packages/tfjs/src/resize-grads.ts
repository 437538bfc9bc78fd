import type * as tf from '@tensorflow/tfjs-core';

/** Where output row (or column) i of a resize reads from: tfjs's forward kernels' rules. */
interface Axis {
  readonly oldSize: number;
  readonly newSize: number;
  /** The source position of output index i, before rounding. */
  fraction(i: number): number;
}

function axis(oldSize: number, newSize: number, alignCorners: boolean, halfPixelCenters: boolean, shift: number): Axis {
  const aligned = alignCorners && newSize > 1;
  const ratio = (aligned ? oldSize - 1 : oldSize) / (aligned ? newSize - 1 : newSize);
  return { oldSize, newSize, fraction: (i) => (halfPixelCenters ? ratio * (i + 0.5) - shift : ratio * i) };
}

interface ResizeArgs {
  readonly images: tf.TensorInfo;
  readonly dy: tf.TensorInfo;
  readonly alignCorners: boolean;
  readonly halfPixelCenters: boolean;
  readonly backend: tf.KernelBackend;
}

function resizeArgs({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): ResizeArgs {
  return {
    images: inputs['images'] as tf.TensorInfo,
    dy: inputs['dy'] as tf.TensorInfo,
    alignCorners: attrs?.['alignCorners'] === true,
    halfPixelCenters: attrs?.['halfPixelCenters'] === true,
    backend: backend as tf.KernelBackend,
  };
}

/**
 * Scatters dy back onto the image: `taps(r, c)` lists the (row, column, weight) source pixels of
 * output pixel (r, c), as the forward kernel read them, so the result is its exact adjoint.
 */
function scatter(args: ResizeArgs, taps: (r: number, c: number) => readonly (readonly [number, number, number])[]): tf.TensorInfo {
  const [batch, height, width, depth] = args.images.shape as [number, number, number, number];
  const [, newHeight, newWidth] = args.dy.shape as [number, number, number, number];
  const dy = args.backend.readSync(args.dy.dataId) as Float32Array;
  const output = new Float32Array(batch * height * width * depth);
  let at = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < newHeight; r++) {
      for (let c = 0; c < newWidth; c++) {
        const sources = taps(r, c);
        for (let d = 0; d < depth; d++, at++) {
          for (const [row, col, weight] of sources) {
            const pixel = ((b * height + row) * width + col) * depth + d;
            output[pixel] = (output[pixel] as number) + weight * (dy[at] as number);
          }
        }
      }
    }
  }
  const shape = [...args.images.shape];
  return { dataId: args.backend.write(output, shape, 'float32'), shape, dtype: 'float32' };
}

/** ResizeNearestNeighborGrad as the adjoint of tfjs-backend-cpu's forward kernel. */
export const resizeNearestNeighborGrad: tf.KernelFunc = (kernelArgs) => {
  const args = resizeArgs(kernelArgs);
  const [, height, width] = args.images.shape as [number, number, number, number];
  const [, newHeight, newWidth] = args.dy.shape as [number, number, number, number];
  const nearest = (a: Axis, i: number): number => {
    const fraction = a.fraction(i);
    const index = Math.min(a.oldSize - 1, args.alignCorners ? Math.round(fraction) : Math.floor(fraction));
    return args.halfPixelCenters ? Math.max(0, index) : index;
  };
  const rows = axis(height, newHeight, args.alignCorners, args.halfPixelCenters, 0);
  const cols = axis(width, newWidth, args.alignCorners, args.halfPixelCenters, 0);
  return scatter(args, (r, c) => [[nearest(rows, r), nearest(cols, c), 1]]);
};

/** ResizeBilinearGrad as the adjoint of tfjs-backend-cpu's forward kernel. */
export const resizeBilinearGrad: tf.KernelFunc = (kernelArgs) => {
  const args = resizeArgs(kernelArgs);
  const [, height, width] = args.images.shape as [number, number, number, number];
  const [, newHeight, newWidth] = args.dy.shape as [number, number, number, number];
  // half-pixel centres sample at (i + ½)·ratio − ½
  const between = (a: Axis, i: number): readonly [number, number, number] => {
    const fraction = a.fraction(i);
    const low = Math.max(0, Math.floor(fraction));
    return [low, Math.min(a.oldSize - 1, Math.ceil(fraction)), fraction - low];
  };
  const rows = axis(height, newHeight, args.alignCorners, args.halfPixelCenters, 0.5);
  const cols = axis(width, newWidth, args.alignCorners, args.halfPixelCenters, 0.5);
  return scatter(args, (r, c) => {
    const [top, bottom, dr] = between(rows, r);
    const [left, right, dc] = between(cols, c);
    return [
      [top, left, (1 - dr) * (1 - dc)],
      [top, right, (1 - dr) * dc],
      [bottom, left, dr * (1 - dc)],
      [bottom, right, dr * dc],
    ];
  });
};
