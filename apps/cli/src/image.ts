import { PNG } from 'pngjs';
import type { RgbaImage } from '@ig/core';
import { FileFormatError, UsageError } from './errors.js';
import { orientImage } from './exif-orientation.js';
import { imageStructure } from './image-structure.js';
import { decodeJpeg } from './jpeg-decode.js';

/** Decoded RGBA pixels. */
export type Rgba = RgbaImage;

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

/** PNG and JPEG names, and other image formats' (read by content: a typed error names the format, or a mislabelled PNG/JPEG is read). */
const IMAGE_EXTENSIONS = /\.(png|jpe?g|jpe|jfif|webp|gif|bmp|tiff?|heic|heif|avif|jp2|jxl)$/i;

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.test(path);
}

/**
 * The pixels of a PNG or JPEG (told apart by content, not by the file's name) as 8-bit RGBA,
 * turned upright by the EXIF orientation as PIL's ImageOps.exif_transpose does. 16-bit PNG samples
 * become round(v · 255 / 65535); palettes, grey and 1/2/4-bit depths are expanded; the alpha
 * channel is kept here but the model input ignores it (as PIL's convert('RGB') does); a gAMA chunk
 * is not applied (neither does PIL).
 */
export function decodeImage(bytes: Uint8Array, path: string): Rgba & { readonly orientation: number } {
  const { format, orientation, jpeg: frame } = imageStructure(bytes, path);
  let image: Rgba;
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      image = { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length) };
    } else {
      image = decodeJpeg(bytes, frame ?? { components: [], adobeTransform: null });
    }
  } catch (error) {
    throw new FileFormatError(path, `cannot decode the ${format === 'png' ? 'PNG' : 'JPEG'} image: ${(error as Error).message}`);
  }
  return { ...orientImage(image, orientation), orientation };
}

export function encodePng(image: Rgba): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length);
  return PNG.sync.write(png);
}

export function parseSize(text: string): { width: number; height: number } {
  const match = /^(\d+)(?:x(\d+))?$/i.exec(text.trim());
  if (!match) throw new UsageError(`--size must be N or WxH (e.g. 224 or 224x224), got '${text}'`);
  const width = Number(match[1]);
  const height = Number(match[2] ?? match[1]);
  if (width < 1 || height < 1) throw new UsageError(`--size must be positive, got '${text}'`);
  return { width, height };
}
