import type { RgbaImage } from '../visualize/types.js';

/** Luminance weights of the grey conversion (ITU-R BT.601). */
export const GREY_WEIGHTS = [0.299, 0.587, 0.114] as const;

export type ImageTensorLayout = 'nchw' | 'nhwc';

/** How pixels become a model input: channels (RGB or luminance), layout, and per-channel mean and std on [0, 1]. */
export interface ImageTensorSpec {
  readonly channels: 1 | 3;
  readonly layout: ImageTensorLayout;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** The image in grey: R = G = B = the luminance that a one-channel input is given. */
export function greyImage(image: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(image.data.length);
  for (let o = 0; o < data.length; o += 4) {
    const y = GREY_WEIGHTS[0] * (image.data[o] as number) + GREY_WEIGHTS[1] * (image.data[o + 1] as number) + GREY_WEIGHTS[2] * (image.data[o + 2] as number);
    data[o] = y;
    data[o + 1] = y;
    data[o + 2] = y;
    data[o + 3] = image.data[o + 3] as number;
  }
  return { width: image.width, height: image.height, data };
}

/**
 * The model input [1, C, H, W] or [1, H, W, C] for an image (alpha ignored): RGB (C = 3) or
 * luminance (C = 1), scaled to [0, 1], then (value − mean) / std per channel.
 */
export function imageToTensor(image: RgbaImage, spec: ImageTensorSpec): { data: Float32Array; shape: number[] } {
  const { width, height } = image;
  const { channels, layout } = spec;
  const pixels = width * height;
  const data = new Float32Array(pixels * channels);
  const mean = Array.from({ length: channels }, (_, ch) => spec.mean[ch] ?? 0);
  const std = Array.from({ length: channels }, (_, ch) => spec.std[ch] ?? 1);
  for (let p = 0; p < pixels; p++) {
    const r = (image.data[p * 4] as number) / 255;
    const g = (image.data[p * 4 + 1] as number) / 255;
    const b = (image.data[p * 4 + 2] as number) / 255;
    for (let ch = 0; ch < channels; ch++) {
      const v = channels === 3 ? (ch === 0 ? r : ch === 1 ? g : b) : GREY_WEIGHTS[0] * r + GREY_WEIGHTS[1] * g + GREY_WEIGHTS[2] * b;
      data[layout === 'nchw' ? ch * pixels + p : p * channels + ch] = (v - (mean[ch] as number)) / (std[ch] as number);
    }
  }
  return { data, shape: layout === 'nchw' ? [1, channels, height, width] : [1, height, width, channels] };
}
