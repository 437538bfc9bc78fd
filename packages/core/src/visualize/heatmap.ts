import { InvalidOptionError, ShapeMismatchError } from '../errors.js';
import { combineChannels } from './channels.js';
import { BLUES, checkColormap, GREENS, RED_WHITE_GREEN, REDS, sampleColormap } from './colormap.js';
import type { Colormap } from './colormap.js';
import { DEFAULT_OUTLIER_PERCENTILE, normalizeAttributions } from './normalize.js';
import type { AttributionMap, ChannelLayout, HeatmapMethod, RgbaImage, VisualizeSign } from './types.js';
import { HEATMAP_METHODS } from './types.js';

export interface HeatmapOptions {
  /** Default `heat_map`. */
  readonly method?: HeatmapMethod;
  /** Default `absolute_value`, as in Captum. */
  readonly sign?: VisualizeSign;
  /** Percent of the attribution mass clipped as outliers; default 2. */
  readonly outlierPercentile?: number;
  /** Channel axis of a rank-3 map; inferred when omitted. */
  readonly layout?: ChannelLayout;
  /** The explained image; required by every method but `heat_map`. */
  readonly image?: RgbaImage;
  /**
   * Opacity of the heatmap over the grayscale image in `blended_heat_map` (default 0.5), and the
   * opacity of the strongest attributions in `overlay` (default 1).
   */
  readonly alphaOverlay?: number;
  /** A divisor from `heatmapScale`, to draw several maps on one shared scale. */
  readonly scale?: number;
  /** Replaces the sign's default colormap. */
  readonly colormap?: Colormap;
}

/** Captum's colormap for each sign: red-white-green over [−1, 1], else a ramp over [0, 1]. */
export function defaultColormap(sign: VisualizeSign): Colormap {
  switch (sign) {
    case 'all':
      return RED_WHITE_GREEN;
    case 'positive':
      return GREENS;
    case 'negative':
      return REDS;
    case 'absolute_value':
      return BLUES;
  }
}

function requireImage(image: RgbaImage | undefined, method: HeatmapMethod, width: number, height: number): RgbaImage {
  if (!image) throw new InvalidOptionError(`heatmap method '${method}' needs the original image`);
  if (image.width !== width || image.height !== height) {
    throw new ShapeMismatchError(`image is ${image.width}×${image.height} but the attributions are ${width}×${height} (width×height)`);
  }
  if (image.data.length !== width * height * 4) {
    throw new ShapeMismatchError(`image data has ${image.data.length} bytes, expected ${width * height * 4} (RGBA)`);
  }
  return image;
}

/** How far `overlay` fades the image toward white: its grey keeps this share of its contrast. */
export const OVERLAY_IMAGE_CONTRAST = 0.5;

/**
 * One pixel of `overlay`: the image in grey, faded toward white, under the colour of the map's
 * end (its sign's end for `all`) at opacity |value|. Over white this is exactly `heat_map` for
 * Captum's two-segment red-white-green map. Unlike `blended_heat_map`, which lays the colour of
 * zero (white, or near-white in the ramps) over every pixel at a fixed opacity and so halves both
 * the photo and the attributions, pixels without attribution show the image and the strongest
 * ones the map's full colour; the fade takes the photo's own colours and darks away, so only the
 * attributions are coloured or dark.
 */
function overlayPixel(out: Uint8ClampedArray, image: Uint8ClampedArray, o: number, color: readonly number[], opacity: number): void {
  const gray = ((image[o] as number) + (image[o + 1] as number) + (image[o + 2] as number)) / 3;
  const faded = 255 - OVERLAY_IMAGE_CONTRAST * (255 - gray);
  for (let ch = 0; ch < 3; ch++) out[o + ch] = (1 - opacity) * faded + opacity * (color[ch] as number);
  out[o + 3] = 255;
}

/** Draws attributions the way Captum's `visualize_image_attr` does, as RGBA pixels. */
export function renderHeatmap(attributions: AttributionMap, options: HeatmapOptions = {}): RgbaImage {
  const method = options.method ?? 'heat_map';
  const sign = options.sign ?? 'absolute_value';
  if (!HEATMAP_METHODS.includes(method)) {
    throw new InvalidOptionError(`heatmap method must be one of ${HEATMAP_METHODS.join(', ')}, got '${String(method)}'`);
  }
  if ((method === 'masked_image' || method === 'alpha_scaling') && sign === 'all') {
    throw new InvalidOptionError(`heatmap method '${method}' cannot show both signs at once; choose sign positive, negative or absolute_value`);
  }
  const alphaOverlay = options.alphaOverlay ?? (method === 'overlay' ? 1 : 0.5);
  if (!(alphaOverlay >= 0 && alphaOverlay <= 1)) throw new InvalidOptionError(`alphaOverlay must be in [0, 1], got ${String(alphaOverlay)}`);
  const colormap = options.colormap === undefined ? defaultColormap(sign) : checkColormap(options.colormap);

  const map = combineChannels(attributions, options.layout);
  const normalized = normalizeAttributions(map, sign, options.outlierPercentile ?? DEFAULT_OUTLIER_PERCENTILE, options.scale);
  const { width, height } = map;
  const out = new Uint8ClampedArray(width * height * 4);
  const image = method === 'heat_map' ? undefined : requireImage(options.image, method, width, height);

  for (let p = 0; p < width * height; p++) {
    const value = normalized[p] as number;
    const o = p * 4;
    if (method === 'heat_map' || method === 'blended_heat_map') {
      const [r, g, b] = sampleColormap(colormap, sign === 'all' ? (value + 1) / 2 : value);
      if (image) {
        const d = image.data;
        const gray = ((d[o] as number) + (d[o + 1] as number) + (d[o + 2] as number)) / 3;
        out[o] = (1 - alphaOverlay) * gray + alphaOverlay * r;
        out[o + 1] = (1 - alphaOverlay) * gray + alphaOverlay * g;
        out[o + 2] = (1 - alphaOverlay) * gray + alphaOverlay * b;
      } else {
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      }
      out[o + 3] = 255;
    } else if (image && method === 'overlay') {
      overlayPixel(out, image.data, o, sampleColormap(colormap, sign === 'all' && value < 0 ? 0 : 1), Math.abs(value) * alphaOverlay);
    } else if (image && method === 'masked_image') {
      for (let ch = 0; ch < 3; ch++) out[o + ch] = (image.data[o + ch] as number) * value;
      out[o + 3] = 255;
    } else if (image) {
      for (let ch = 0; ch < 3; ch++) out[o + ch] = image.data[o + ch] as number;
      out[o + 3] = value * 255;
    }
  }
  return { width, height, data: out };
}
