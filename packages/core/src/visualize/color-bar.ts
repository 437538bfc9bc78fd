import type { Colormap } from './colormap.js';
import { sampleColormap } from './colormap.js';
import { defaultColormap } from './heatmap.js';
import type { RgbaImage, VisualizeSign } from './types.js';

/** What a colour bar shows: the attribution at its two ends and the colour at each point between. */
export interface ColorBarScale {
  /** The attribution value at the bar's low end (t = 0). */
  readonly low: number;
  /** The attribution value at the bar's high end (t = 1). */
  readonly high: number;
  /** The colour at t ∈ [0, 1] from the low end, as unrounded RGB in 0–255. */
  readonly colorAt: (t: number) => [number, number, number];
}

/**
 * The colour bar of a `heat_map` drawn with `sign` and the divisor `scale` (from `heatmapScale`):
 * values at or beyond ±|scale| saturate. Captum's `negative` map darkens as values fall, so its
 * bar runs from −|scale| (darkest) up to 0.
 */
export function colorBarScale(sign: VisualizeSign, scale: number, colormap: Colormap = defaultColormap(sign)): ColorBarScale {
  const magnitude = Math.abs(scale);
  const low = sign === 'all' || sign === 'negative' ? -magnitude : 0;
  const high = sign === 'negative' ? 0 : magnitude;
  const colorAt = (t: number): [number, number, number] => sampleColormap(colormap, sign === 'negative' ? 1 - t : t);
  return { low, high, colorAt };
}

/** A vertical bar, `high` at the top row and `low` at the bottom row, as RGBA pixels. */
export function renderColorBar(bar: ColorBarScale, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const [r, g, b] = bar.colorAt(height === 1 ? 1 : 1 - y / (height - 1));
    for (let x = 0; x < width; x++) data.set([r, g, b, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}
