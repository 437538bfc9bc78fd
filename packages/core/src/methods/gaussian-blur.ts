import { InvalidOptionError, ShapeMismatchError } from '../errors.js';
import { formatShape } from '../tensor.js';

export type ImageLayout = 'NCHW' | 'NHWC';

/** Height, width and channels of a point of shape [C, H, W] (NCHW), [H, W, C] (NHWC) or [H, W]. */
export function imageDims(
  shape: readonly number[],
  layout: ImageLayout,
  label: string,
): { height: number; width: number; channels: number; channelsLast: boolean } {
  if (shape.length === 2) return { height: shape[0] as number, width: shape[1] as number, channels: 1, channelsLast: true };
  if (shape.length !== 3) throw new ShapeMismatchError(`${label} has points of shape ${formatShape(shape)}; an image needs [C, H, W], [H, W, C] or [H, W]`);
  const [a, b, c] = shape as [number, number, number];
  return layout === 'NCHW' ? { channels: a, height: b, width: c, channelsLast: false } : { height: a, width: b, channels: c, channelsLast: true };
}

/** The layout of an image point when none is given: channels first when the first axis is 1 or 3 and the last is not. */
export function guessLayout(shape: readonly number[]): ImageLayout {
  return shape.length === 3 && (shape[0] === 1 || shape[0] === 3) && shape[2] !== 1 && shape[2] !== 3 ? 'NCHW' : 'NHWC';
}

/** scipy.ndimage's Gaussian kernel: radius ⌊truncate·σ + ½⌋, weights exp(−x²/2σ²) normalised to sum 1. */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  if (!Number.isFinite(sigma) || sigma < 0) throw new InvalidOptionError(`sigma must be a finite number ≥ 0, got ${String(sigma)}`);
  const radius = Math.floor(truncate * sigma + 0.5);
  const kernel = new Float64Array(2 * radius + 1);
  if (radius === 0) {
    kernel[0] = 1;
    return kernel;
  }
  let sum = 0;
  for (let x = -radius; x <= radius; x++) sum += kernel[x + radius] = Math.exp((-0.5 / (sigma * sigma)) * x * x);
  for (let k = 0; k < kernel.length; k++) kernel[k] = (kernel[k] as number) / sum;
  return kernel;
}

/**
 * Gaussian blur over the spatial axes of one image, as scipy.ndimage.gaussian_filter with
 * sigma (σ, σ, 0) over (H, W, C), mode 'constant' (zero outside the image), truncate 4.
 * σ = 0 copies the image. Computed in float64, rounded once into `out`.
 */
export function gaussianBlur(
  image: Float32Array,
  shape: readonly number[],
  layout: ImageLayout,
  sigma: number,
  out: Float32Array | Float64Array,
  scratch: Float64Array = new Float64Array(image.length),
): void {
  if (sigma === 0) {
    out.set(image);
    return;
  }
  const { height, width, channels, channelsLast } = imageDims(shape, layout, 'the image');
  const kernel = gaussianKernel(sigma);
  const radius = (kernel.length - 1) / 2;
  // Strides of y, x and c in the flat image.
  const [sy, sx, sc] = channelsLast ? [width * channels, channels, 1] : [width, 1, height * width];
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const from = Math.max(-radius, -y);
      const to = Math.min(radius, height - 1 - y);
      for (let x = 0; x < width; x++) {
        const at = y * sy + x * sx + c * sc;
        let sum = 0;
        for (let k = from; k <= to; k++) sum += (kernel[k + radius] as number) * (image[at + k * sy] as number);
        scratch[at] = sum;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = y * sy + x * sx + c * sc;
        const from = Math.max(-radius, -x);
        const to = Math.min(radius, width - 1 - x);
        let sum = 0;
        for (let k = from; k <= to; k++) sum += (kernel[k + radius] as number) * (scratch[at + k * sx] as number);
        out[at] = sum;
      }
    }
  }
}
