import { InvalidOptionError, NonFiniteError, ShapeMismatchError } from '../errors.js';
import { combineChannels } from './channels.js';
import { fillHoles, labelComponents, maskBorder, morphologicalCleanup } from './morphology.js';
import type { AttributionMap, ChannelLayout, RgbaImage } from './types.js';

export type Polarity = 'positive' | 'negative' | 'both';
/** Every Polarity, for option lists (the CLI's --polarity choices). */
export const POLARITIES: readonly Polarity[] = ['positive', 'negative', 'both'];
export type Rgb = readonly [number, number, number];

/** The options of the original Integrated Gradients visualization library. */
export interface PolarityMapOptions {
  /** Default `positive`. `both` draws positive in `positiveColor` and negative in `negativeColor`. */
  readonly polarity?: Polarity;
  /** Values in the top (100 − this)% of the mass saturate; default 99.9. */
  readonly clipAbovePercentile?: number;
  /** Values in the bottom share of the mass below this percentile vanish; default 0. */
  readonly clipBelowPercentile?: number;
  /** Intensity given to the weakest value kept; default 0. */
  readonly lowerEnd?: number;
  /** Grey closing then opening with a square structure; default false. */
  readonly morphologicalCleanup?: boolean;
  /** Side of the square structure for the cleanup; default 3. */
  readonly structureSize?: number;
  /** Draw only the outlines of the largest components holding this share of the mass. */
  readonly outlines?: boolean;
  /** Share (percent) of the mass the outlined components must hold; default 90. */
  readonly outlinesComponentPercentage?: number;
  /** The explained image; with `overlay` (default true when given) the map is drawn over it. */
  readonly image?: RgbaImage;
  readonly overlay?: boolean;
  /** Show the image only where the map is strong (image × intensity) instead of colors. */
  readonly maskMode?: boolean;
  readonly positiveColor?: Rgb;
  readonly negativeColor?: Rgb;
  readonly layout?: ChannelLayout;
}

const GREEN: Rgb = [0, 255, 0];
const RED: Rgb = [255, 0, 0];

function checkPercent(value: number, name: string): void {
  if (!(value >= 0 && value <= 100)) throw new InvalidOptionError(`${name} must be in [0, 100], got ${String(value)}`);
}

/**
 * The value at which the largest magnitudes, taken from the top down, first hold `percentage`%
 * of the total; 100% gives the smallest magnitude (everything is kept).
 */
export function topPercentageThreshold(magnitudes: Float64Array, percentage: number): number {
  checkPercent(percentage, 'percentage');
  if (magnitudes.length === 0) return 0;
  const sorted = Float64Array.from(magnitudes, Math.abs).sort().reverse();
  if (percentage === 100) return sorted[sorted.length - 1] as number;
  let total = 0;
  for (const v of sorted) total += v;
  if (total === 0) return 0;
  let running = 0;
  for (const v of sorted) {
    running += v;
    if ((100 * running) / total >= percentage) return v;
  }
  return sorted[sorted.length - 1] as number;
}

/** Maps magnitudes linearly so the clip-above threshold is 1 and the clip-below one is `lowerEnd`. */
export function linearTransform(magnitudes: Float64Array, clipAbovePercentile: number, clipBelowPercentile: number, lowerEnd: number): Float64Array {
  checkPercent(clipAbovePercentile, 'clipAbovePercentile');
  checkPercent(clipBelowPercentile, 'clipBelowPercentile');
  const top = topPercentageThreshold(magnitudes, 100 - clipAbovePercentile);
  const bottom = topPercentageThreshold(magnitudes, 100 - clipBelowPercentile);
  return magnitudes.map((v) => {
    if (top === bottom) return v >= top && v > 0 ? 1 : 0;
    const t = ((1 - lowerEnd) * (v - bottom)) / (top - bottom) + lowerEnd;
    return t >= lowerEnd ? Math.min(1, t) : 0;
  });
}

/** Border pixels of the largest components that together hold `percentage`% of the map's mass. */
export function componentOutlines(intensity: Float64Array, width: number, height: number, percentage: number): Uint8Array {
  checkPercent(percentage, 'outlinesComponentPercentage');
  const threshold = topPercentageThreshold(intensity, percentage);
  const mask = intensity.map((v) => (v > 0 && v >= threshold ? 1 : 0));
  const { labels, count } = labelComponents(Uint8Array.from(mask), width, height);
  if (count === 0) return new Uint8Array(intensity.length);
  const sums = new Float64Array(count + 1);
  let total = 0;
  labels.forEach((label, p) => {
    if (label) {
      sums[label] = (sums[label] as number) + (intensity[p] as number);
      total += intensity[p] as number;
    }
  });
  const order = Array.from({ length: count }, (_, i) => i + 1).sort((a, b) => (sums[b] as number) - (sums[a] as number));
  const keep = new Uint8Array(count + 1);
  let running = 0;
  for (const label of order) {
    keep[label] = 1;
    running += sums[label] as number;
    if (running >= (percentage / 100) * total) break;
  }
  const kept = labels.map((label) => (keep[label] ? 1 : 0));
  return maskBorder(fillHoles(Uint8Array.from(kept), width, height), width, height);
}

/** Per-pixel intensity in [0, 1] of one polarity after clipping, cleanup and outlining. */
function polarityIntensity(values: Float64Array, width: number, height: number, polarity: 'positive' | 'negative', options: PolarityMapOptions): Float64Array {
  const magnitudes = values.map((v) => (polarity === 'positive' ? Math.max(v, 0) : Math.max(-v, 0)));
  let intensity = linearTransform(magnitudes, options.clipAbovePercentile ?? 99.9, options.clipBelowPercentile ?? 0, options.lowerEnd ?? 0);
  if (options.morphologicalCleanup) intensity = morphologicalCleanup(intensity, width, height, options.structureSize ?? 3);
  if (options.outlines) intensity = Float64Array.from(componentOutlines(intensity, width, height, options.outlinesComponentPercentage ?? 90));
  return intensity;
}

/** Draws attributions in the style of the original Integrated Gradients visualization library. */
export function renderPolarityMap(attributions: AttributionMap, options: PolarityMapOptions = {}): RgbaImage {
  const polarity = options.polarity ?? 'positive';
  if (!POLARITIES.includes(polarity)) {
    throw new InvalidOptionError(`polarity must be one of ${POLARITIES.join(', ')}, got '${String(polarity)}'`);
  }
  const { width, height, values } = combineChannels(attributions, options.layout);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new NonFiniteError('attribution map', i, v);
  });
  const image = options.image;
  if (image && (image.width !== width || image.height !== height || image.data.length !== width * height * 4)) {
    throw new ShapeMismatchError(`image is ${image.width}×${image.height} but the attributions are ${width}×${height} (width×height)`);
  }
  const layers: { intensity: Float64Array; color: Rgb }[] = [];
  if (polarity !== 'negative') layers.push({ intensity: polarityIntensity(values, width, height, 'positive', options), color: options.positiveColor ?? GREEN });
  if (polarity !== 'positive') layers.push({ intensity: polarityIntensity(values, width, height, 'negative', options), color: options.negativeColor ?? RED });

  const overlay = image !== undefined && (options.overlay ?? true);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const o = p * 4;
    const rgb = [0, 0, 0];
    let strongest = 0;
    for (const { intensity, color } of layers) {
      const t = intensity[p] as number;
      strongest = Math.max(strongest, t);
      for (let ch = 0; ch < 3; ch++) rgb[ch] = (rgb[ch] as number) + t * (color[ch] as number);
    }
    for (let ch = 0; ch < 3; ch++) {
      const base = image ? (image.data[o + ch] as number) : 0;
      if (overlay && options.maskMode) out[o + ch] = base * strongest;
      else if (overlay) out[o + ch] = 0.7 * base + 0.5 * (rgb[ch] as number);
      else out[o + ch] = rgb[ch] as number;
    }
    out[o + 3] = 255;
  }
  return { width, height, data: out };
}
