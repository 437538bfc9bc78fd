import { readableScale, READABLE_SHORT_SIDE } from '@ig/core';
import { UsageError } from './errors.js';

/** --scale: a whole upscaling factor, or `auto` (the short side becomes ≥ 224 px). */
export type PictureScale = number | 'auto';

export const SCALE_FLAG_HELP = `upscale heatmaps and panels by whole pixels (nearest neighbour): N, or auto to make the short side at least ${READABLE_SHORT_SIDE} px`;

/** The most --scale accepts: 64× already turns one 224 px picture into 14 336 px. */
const MAX_SCALE = 64;

export function parseScale(text: string | undefined): PictureScale {
  if (text === undefined || text === 'auto') return 'auto';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SCALE) throw new UsageError(`--scale must be auto or a whole number from 1 to ${MAX_SCALE}, got '${text}'`);
  return n;
}

/** The most pixels an upscaled picture may have (200 MB of RGBA). */
export const MAX_PICTURE_PIXELS = 50_000_000;

/** The factor for a width×height picture. */
export function scaleFactor(scale: PictureScale | undefined, width: number, height: number): number {
  if (scale === undefined) return 1;
  const factor = scale === 'auto' ? readableScale(width, height) : scale;
  if (width * height * factor * factor > MAX_PICTURE_PIXELS) {
    throw new UsageError(
      `--scale ${scale} would draw a ${width * factor}×${height * factor} picture, over ${MAX_PICTURE_PIXELS} pixels; use a smaller --scale`,
    );
  }
  return factor;
}
