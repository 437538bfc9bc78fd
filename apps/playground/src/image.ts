/**
 * Images into model inputs, exactly as the `ig` CLI does: bilinear resize with pixel centres
 * aligned, grey as 0.299 R + 0.587 G + 0.114 B, pixel / 255, then (v − mean) / std per channel.
 */
import type { RgbaImage } from '@ig/core';
import type { PlainTensor } from './protocol.js';

export type Layout = 'nchw' | 'nhwc';

export interface ImageInputSpec {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly layout: Layout;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Decodes an image file (PNG, JPEG, WebP, anything the browser reads) into RGBA pixels. */
export async function decodeImageFile(blob: Blob): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2D canvas to decode the image');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: pixels.width, height: pixels.height, data: pixels.data };
}

export function resizeImage(image: RgbaImage, width: number, height: number): RgbaImage {
  if (image.width === width && image.height === height) return image;
  const out = new Uint8ClampedArray(width * height * 4);
  const sx = image.width / width;
  const sy = image.height / height;
  const at = (x: number, y: number, ch: number): number => image.data[(y * image.width + x) * 4 + ch] as number;
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
        const top = at(x0, y0, ch) * (1 - wx) + at(x1, y0, ch) * wx;
        const bottom = at(x0, y1, ch) * (1 - wx) + at(x1, y1, ch) * wx;
        out[(y * width + x) * 4 + ch] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return { width, height, data: out };
}

export function imageToTensor(image: RgbaImage, spec: ImageInputSpec): PlainTensor {
  const resized = resizeImage(image, spec.width, spec.height);
  const pixels = spec.width * spec.height;
  const data = new Float32Array(pixels * spec.channels);
  for (let p = 0; p < pixels; p++) {
    const r = (resized.data[p * 4] as number) / 255;
    const g = (resized.data[p * 4 + 1] as number) / 255;
    const b = (resized.data[p * 4 + 2] as number) / 255;
    const values = spec.channels === 3 ? [r, g, b] : [0.299 * r + 0.587 * g + 0.114 * b];
    values.forEach((v, ch) => {
      const value = (v - (spec.mean[ch] ?? 0)) / (spec.std[ch] ?? 1);
      data[spec.layout === 'nchw' ? ch * pixels + p : p * spec.channels + ch] = value;
    });
  }
  const shape = spec.layout === 'nchw' ? [1, spec.channels, spec.height, spec.width] : [1, spec.height, spec.width, spec.channels];
  return { data, shape };
}

/** The picture a tensor shows (min–max scaled per tensor), for inputs that did not come from an image. */
export function tensorToImage(input: PlainTensor, spec: ImageInputSpec): RgbaImage {
  const { width, height, channels, layout } = spec;
  const pixels = width * height;
  let min = Infinity;
  let max = -Infinity;
  for (const v of input.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const span = max > min ? max - min : 1;
  const data = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    for (let ch = 0; ch < 3; ch++) {
      const c = channels === 3 ? ch : 0;
      const v = input.data[layout === 'nchw' ? c * pixels + p : p * channels + c] as number;
      data[p * 4 + ch] = Math.round(((v - min) / span) * 255);
    }
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}
