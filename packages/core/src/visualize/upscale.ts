import { InvalidOptionError, ShapeMismatchError } from '../errors.js';
import type { RgbaImage } from './types.js';

/** The short side, in pixels, below which pictures are scaled up by default. */
export const READABLE_SHORT_SIDE = 224;

/**
 * The smallest whole factor that makes the short side of a width×height image at least
 * `minShortSide` pixels (1 when it already is).
 */
export function readableScale(width: number, height: number, minShortSide = READABLE_SHORT_SIDE): number {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new InvalidOptionError(`image size must be positive whole numbers, got ${String(width)}×${String(height)}`);
  }
  if (!(Number.isFinite(minShortSide) && minShortSide > 0)) throw new InvalidOptionError(`minShortSide must be a number > 0, got ${String(minShortSide)}`);
  return Math.max(1, Math.ceil(minShortSide / Math.min(width, height)));
}

/** The longest picture side drawn: 16384 px, the canvas side every major browser supports. */
export const MAX_PICTURE_SIDE = 16_384;

/** Refuses an upscale factor that makes a width×height picture (`copies` of them side by side) longer than MAX_PICTURE_SIDE. */
export function checkUpscaledSize(width: number, height: number, factor: number, copies = 1): void {
  if (copies * width * factor > MAX_PICTURE_SIDE || height * factor > MAX_PICTURE_SIDE) {
    const largest = Math.max(1, Math.floor(MAX_PICTURE_SIDE / Math.max(copies * width, height)));
    const what = copies === 1 ? `a ${width}×${height} picture` : `${copies} pictures of ${width}×${height} side by side`;
    throw new InvalidOptionError(
      `upscale ${factor} makes ${what} ${copies * width * factor}×${height * factor} pixels, beyond the ${MAX_PICTURE_SIDE}-pixel side of a canvas; the largest upscale here is ${largest}`,
    );
  }
}

/**
 * Nearest-neighbour upscaling by a whole factor: every pixel becomes a factor×factor block of
 * itself, so no colour is invented and each input pixel stays visible as one square.
 */
export function upscaleNearest(image: RgbaImage, factor: number): RgbaImage {
  if (!(Number.isInteger(factor) && factor >= 1)) throw new InvalidOptionError(`upscale factor must be a whole number ≥ 1, got ${String(factor)}`);
  const { width, height, data } = image;
  if (data.length !== width * height * 4)
    throw new ShapeMismatchError(`image data has ${data.length} bytes, expected ${width * height * 4} (RGBA ${width}×${height})`);
  if (factor === 1) return { width, height, data: new Uint8ClampedArray(data) };
  checkUpscaledSize(width, height, factor);
  const outWidth = width * factor;
  const out = new Uint8ClampedArray(outWidth * height * factor * 4);
  for (let y = 0; y < height; y++) {
    const row = new Uint8ClampedArray(outWidth * 4);
    for (let x = 0; x < width; x++) {
      const pixel = data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4);
      for (let k = 0; k < factor; k++) row.set(pixel, (x * factor + k) * 4);
    }
    for (let k = 0; k < factor; k++) out.set(row, (y * factor + k) * outWidth * 4);
  }
  return { width: outWidth, height: height * factor, data: out };
}
