/**
 * PNG to RGBA with pngjs, the CLI's decoder, in its browser build: a dropped PNG gives the page
 * the bytes `ig explain` reads. A 2D canvas would not: it stores premultiplied pixels, which loses
 * the colour where alpha is 0 and rounds it where alpha is low, and the model input ignores alpha.
 */
import { Buffer } from 'buffer';
import { PNG } from 'pngjs/browser';
import type { RgbaImage } from '@ig/core';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

export function decodePng(bytes: Uint8Array): RgbaImage {
  if (!isPng(bytes)) throw new Error('not a PNG file');
  let png: { width: number; height: number; data: Uint8Array };
  try {
    // pngjs reads chunk fields with Buffer methods; the view shares the bytes.
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new Error(`the PNG cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length) };
}
