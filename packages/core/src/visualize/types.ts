/** An RGBA image, 4 bytes per pixel, row-major; structurally a browser `ImageData`. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** Attributions for one image: [H,W], [C,H,W], [H,W,C], or any of these with a leading batch of 1. */
export interface AttributionMap {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

/** Where the channel axis sits in a rank-3 attribution map. */
export type ChannelLayout = 'chw' | 'hwc';

/** Which attributions a map shows (Captum's `VisualizeSign`). */
export type VisualizeSign = 'positive' | 'negative' | 'absolute_value' | 'all';

/**
 * How a normalized map is drawn: Captum's `ImageVisualizationMethod` (minus `original_image`) and
 * `overlay`, the map's colours with opacity |attribution| over the image faded to light grey.
 */
export type HeatmapMethod = 'heat_map' | 'blended_heat_map' | 'masked_image' | 'alpha_scaling' | 'overlay';

export const VISUALIZE_SIGNS: readonly VisualizeSign[] = ['positive', 'negative', 'absolute_value', 'all'];
export const HEATMAP_METHODS: readonly HeatmapMethod[] = ['heat_map', 'blended_heat_map', 'masked_image', 'alpha_scaling', 'overlay'];

/** One value per pixel, row-major, after the channels were combined. */
export interface PixelMap {
  readonly width: number;
  readonly height: number;
  readonly values: Float64Array;
}
