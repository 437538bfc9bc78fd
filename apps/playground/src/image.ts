/** Images into model inputs with @ig/core's resize and conversion, exactly as the `ig` CLI does. */
import { imageToTensor, resizeBilinear, type RgbaImage } from '@ig/core';
import { decodePng, isPng } from './png-decode.js';
import type { PlainTensor } from './protocol.js';

export type Layout = 'nchw' | 'nhwc';

export interface ImageInputSpec {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly layout: Layout;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** The input shape the model declares where it has no channel axis ([1, H, W], one grey channel). */
  readonly modelShape?: readonly number[];
}

/**
 * Decodes an image file into RGBA pixels: PNG as the CLI reads it (png-decode.ts), anything else
 * the browser reads (JPEG, WebP, GIF, BMP) through a canvas. Runs in the image worker.
 */
export async function decodeImageFile(blob: Blob): Promise<RgbaImage> {
  const head = new Uint8Array(await blob.slice(0, 8).arrayBuffer());
  if (isPng(head)) return decodePng(new Uint8Array(await blob.arrayBuffer()));
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('no 2D canvas to decode the image');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: pixels.width, height: pixels.height, data: pixels.data };
}

/** The model input for an image: resized to the model's size, then as @ig/core's `imageToTensor`. */
export function imageToInput(image: RgbaImage, spec: ImageInputSpec): PlainTensor {
  return imageToTensor(resizeBilinear(image, spec.width, spec.height), spec);
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
