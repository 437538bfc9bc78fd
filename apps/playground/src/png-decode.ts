/**
 * PNG to RGBA with the straight (not premultiplied) colours the file holds, as the CLI's pngjs
 * gives them: a 2D canvas stores premultiplied pixels, which loses the colour where alpha is 0
 * and rounds it where alpha is low, and the model input ignores alpha.
 */
import type { RgbaImage } from '@ig/core';
import { readPngSamples } from './png-samples.js';

export async function decodePng(bytes: Uint8Array): Promise<RgbaImage> {
  const { header, channels, samples, palette, transparency } = await readPngSamples(bytes);
  const { width, height, bitDepth, colorType } = header;
  const pixels = width * height;
  const out = new Uint8ClampedArray(pixels * 4);
  if (colorType === 3) {
    if (palette === undefined) throw new Error('a palette image without a PLTE chunk');
    for (let p = 0; p < pixels; p++) {
      const index = samples[p] as number;
      if (3 * index + 2 >= palette.length) throw new Error(`palette index ${index} is past the palette's ${palette.length / 3} entries`);
      out[p * 4] = palette[3 * index] as number;
      out[p * 4 + 1] = palette[3 * index + 1] as number;
      out[p * 4 + 2] = palette[3 * index + 2] as number;
      out[p * 4 + 3] = transparency?.[index] ?? 255;
    }
    return { width, height, data: out };
  }
  const max = 2 ** bitDepth - 1;
  // tRNS for grey or RGB: one colour (16-bit values) that is fully transparent; pngjs clears such pixels.
  const key =
    transparency === undefined
      ? undefined
      : Array.from({ length: transparency.length >> 1 }, (_, i) => ((transparency[2 * i] as number) << 8) | (transparency[2 * i + 1] as number));
  const scale = (v: number): number => (bitDepth === 8 ? v : Math.floor((v * 255) / max + 0.5));
  const colour = channels >= 3;
  const hasAlpha = channels === 2 || channels === 4;
  for (let p = 0; p < pixels; p++) {
    const s = p * channels;
    const r = samples[s] as number;
    const g = colour ? (samples[s + 1] as number) : r;
    const b = colour ? (samples[s + 2] as number) : r;
    const a = hasAlpha ? (samples[s + channels - 1] as number) : max;
    const cleared = key !== undefined && (colour ? key[0] === r && key[1] === g && key[2] === b : key[0] === r);
    if (cleared) continue;
    out[p * 4] = scale(r);
    out[p * 4 + 1] = scale(g);
    out[p * 4 + 2] = scale(b);
    out[p * 4 + 3] = scale(a);
  }
  return { width, height, data: out };
}
