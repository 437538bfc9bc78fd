import { combineChannels, heatmapScale, renderHeatmap, renderPolarityMap, upscaleNearest } from '@ig/core';
import type { Tensor } from '@ig/core';
import { UsageError } from './errors.js';
import { encodePng } from './image.js';
import type { Rgba } from './image.js';
import type { LoadedInput } from './inputs.js';
import type { HeatmapStyle } from './options.js';
import { scaleFactor } from './picture-options.js';
import type { PictureScale } from './picture-options.js';
import type { Polarity, VisualizeSign } from '@ig/core';

export interface HeatmapSettings {
  readonly heatmapStyle: HeatmapStyle;
  readonly sign: VisualizeSign;
  readonly outlierPercentile: number;
  /** Options of the polarity style (the original Integrated Gradients library's). */
  readonly polarity?: Polarity;
  readonly clipAbovePercentile?: number;
  readonly clipBelowPercentile?: number;
  readonly morphologicalCleanup?: boolean;
  readonly outlines?: boolean;
  /** Nearest-neighbour upscaling of the PNG; none when undefined. */
  readonly scale?: PictureScale;
}

/** A grayscale picture of a tensor example (min–max scaled) for overlays when the input was .npy. */
export function tensorPicture(data: Float32Array, channels: number, height: number, width: number, chw: boolean): Rgba {
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const span = max > min ? max - min : 1;
  const out = new Uint8ClampedArray(width * height * 4);
  const pixels = width * height;
  for (let p = 0; p < pixels; p++) {
    let sum = 0;
    for (let ch = 0; ch < channels; ch++) sum += data[chw ? ch * pixels + p : p * channels + ch] as number;
    const gray = (255 * (sum / channels - min)) / span;
    out.set([gray, gray, gray, 255], p * 4);
  }
  return { width, height, data: out };
}

/** The picture of example k: the decoded image for an image input, else the tensor in grey. */
export function exampleImage(input: LoadedInput, k: number, size: number, dims: { channels: number; height: number; width: number; chw: boolean }): Rgba {
  if (k === 0 && input.image) return input.image;
  return tensorPicture(input.tensor.data.subarray(k * size, (k + 1) * size), dims.channels, dims.height, dims.width, dims.chw);
}

/** Where example k's attribution map sits in the batch tensor, and how it is laid out. */
export function exampleMaps(
  attributions: Tensor,
  input: LoadedInput,
): { maps: { data: Float32Array; shape: number[] }[]; layout: 'chw' | 'hwc'; channels: number; height: number; width: number } {
  const shape = attributions.shape;
  if (shape.length !== 4) {
    throw new UsageError(`--heatmap needs an image-shaped input [N, C, H, W] or [N, H, W, C]; the attributions are [${shape.join(', ')}]`);
  }
  const perExample = shape.slice(1);
  const size = perExample.reduce((a, b) => a * b, 1);
  const chw = input.layout === 'nchw';
  const [channels, height, width] = chw
    ? (perExample as [number, number, number])
    : ([perExample[2], perExample[0], perExample[1]] as [number, number, number]);
  const maps = Array.from({ length: shape[0] as number }, (_, k) => ({ data: attributions.data.subarray(k * size, (k + 1) * size), shape: perExample }));
  return { maps, layout: chw ? 'chw' : 'hwc', channels, height, width };
}

/**
 * One PNG per example, drawn over the input. With several examples the Captum-style methods
 * share one scale, so the heatmaps can be compared with each other.
 */
export function heatmapPngs(attributions: Tensor, input: LoadedInput, settings: HeatmapSettings): Buffer[] {
  const { maps, layout, channels, height, width } = exampleMaps(attributions, input);
  const shared =
    settings.heatmapStyle === 'polarity' || maps.length === 1
      ? undefined
      : heatmapScale(
          maps.map((m) => combineChannels(m, layout)),
          settings.sign,
          settings.outlierPercentile,
        );
  return maps.map((map, k) => {
    const size = map.data.length;
    const image = exampleImage(input, k, size, { channels, height, width, chw: layout === 'chw' });
    const rendered =
      settings.heatmapStyle === 'polarity'
        ? renderPolarityMap(map, {
            layout,
            image,
            polarity: settings.polarity ?? 'both',
            clipAbovePercentile: settings.clipAbovePercentile ?? 99.9,
            clipBelowPercentile: settings.clipBelowPercentile ?? 0,
            morphologicalCleanup: settings.morphologicalCleanup ?? false,
            outlines: settings.outlines ?? false,
          })
        : renderHeatmap(map, {
            layout,
            method: settings.heatmapStyle,
            sign: settings.sign,
            outlierPercentile: settings.outlierPercentile,
            image,
            ...(shared !== undefined ? { scale: shared } : {}),
          });
    return encodePng(upscaleNearest(rendered, scaleFactor(settings.scale, width, height)));
  });
}

/** The PNG of example 0 (the only one for a single input). */
export function heatmapPng(attributions: Tensor, input: LoadedInput, settings: HeatmapSettings): Buffer {
  return heatmapPngs(attributions, input, settings)[0] as Buffer;
}
