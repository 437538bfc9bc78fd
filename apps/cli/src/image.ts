import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { FileFormatError, UsageError } from './errors.js';

/** Decoded RGBA pixels; the same shape as @ig/core's RgbaImage. */
export interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export type Layout = 'nchw' | 'nhwc';

export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Per-channel mean and std on pixel values scaled to [0, 1]. */
export const NORMALIZATION_PRESETS: Record<string, Normalization> = {
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  none: { mean: [0, 0, 0], std: [1, 1, 1] },
  'minus-one-to-one': { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

export function isImagePath(path: string): boolean {
  return /\.(png|jpe?g)$/i.test(path);
}

export function decodeImage(bytes: Uint8Array, path: string): Rgba {
  try {
    if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
      const png = PNG.sync.read(Buffer.from(bytes));
      return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length) };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      return { width: decoded.width, height: decoded.height, data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length) };
    }
  } catch (error) {
    throw new FileFormatError(path, `cannot decode the image: ${(error as Error).message}`);
  }
  throw new FileFormatError(path, 'not a PNG or JPEG image');
}

export function encodePng(image: Rgba): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  return PNG.sync.write(png);
}

/** Bilinear resampling (pixel centers aligned), alpha included. */
export function resizeImage(image: Rgba, width: number, height: number): Rgba {
  if (image.width === width && image.height === height) return image;
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(image.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(image.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let ch = 0; ch < 4; ch++) {
        const at = (xx: number, yy: number): number => image.data[(yy * image.width + xx) * 4 + ch] as number;
        const top = at(x0, y0) * (1 - wx) + at(x1, y0) * wx;
        const bottom = at(x0, y1) * (1 - wx) + at(x1, y1) * wx;
        out[(y * width + x) * 4 + ch] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return { width, height, data: out };
}

/** Luminance weights of the grey conversion (ITU-R BT.601), as `imageToTensor` applies them. */
export const GREY_WEIGHTS = [0.299, 0.587, 0.114] as const;

/** The image in grey, R = G = B = the luminance a one-channel model is given. */
export function greyImage(image: Rgba): Rgba {
  const data = new Uint8ClampedArray(image.data.length);
  for (let o = 0; o < data.length; o += 4) {
    const y = GREY_WEIGHTS[0] * (image.data[o] as number) + GREY_WEIGHTS[1] * (image.data[o + 1] as number) + GREY_WEIGHTS[2] * (image.data[o + 2] as number);
    data.set([y, y, y, image.data[o + 3] as number], o);
  }
  return { width: image.width, height: image.height, data };
}

/**
 * The model input [1, C, H, W] or [1, H, W, C] for an image: RGB (C = 3) or luminance (C = 1),
 * scaled to [0, 1] then (value − mean) / std per channel.
 */
export function imageToTensor(image: Rgba, channels: 1 | 3, layout: Layout, norm: Normalization): { data: Float32Array; shape: number[] } {
  const { width, height } = image;
  const pixels = width * height;
  const data = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const r = (image.data[p * 4] as number) / 255;
    const g = (image.data[p * 4 + 1] as number) / 255;
    const b = (image.data[p * 4 + 2] as number) / 255;
    const values = channels === 3 ? [r, g, b] : [GREY_WEIGHTS[0] * r + GREY_WEIGHTS[1] * g + GREY_WEIGHTS[2] * b];
    values.forEach((v, ch) => {
      const value = (v - (norm.mean[ch] ?? 0)) / (norm.std[ch] ?? 1);
      data[layout === 'nchw' ? ch * pixels + p : p * channels + ch] = value;
    });
  }
  return { data, shape: layout === 'nchw' ? [1, channels, height, width] : [1, height, width, channels] };
}

export function parseSize(text: string): { width: number; height: number } {
  const match = /^(\d+)(?:x(\d+))?$/i.exec(text.trim());
  if (!match) throw new UsageError(`--size must be N or WxH (e.g. 224 or 224x224), got '${text}'`);
  const width = Number(match[1]);
  const height = Number(match[2] ?? match[1]);
  if (width < 1 || height < 1) throw new UsageError(`--size must be positive, got '${text}'`);
  return { width, height };
}
