import { gridUnits, sequenceUnits } from '@ig/core';
import type { RgbaImage, UnitLayout } from '@ig/core';
import { UsageError } from '../errors.js';
import type { LoadedInput } from '../inputs.js';

export interface InputUnits {
  readonly layout: UnitLayout;
  /** The picture the PNG draws on (grids), or null. */
  readonly picture: RgbaImage | null;
  /** One label per unit (sequences), or null. */
  readonly labels: readonly string[] | null;
}

/** A grayscale picture of an [H, W] map (channels averaged), stretched to 0–255. */
function grayPicture(values: Float32Array, height: number, width: number, channels: number, at: (c: number, y: number, x: number) => number): RgbaImage {
  const gray = new Float32Array(height * width);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) gray[y * width + x] = (gray[y * width + x] as number) + (values[at(c, y, x)] as number) / channels;
  let min = Infinity;
  let max = -Infinity;
  for (const v of gray) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const data = new Uint8ClampedArray(height * width * 4);
  gray.forEach((v, i) => {
    const level = max > min ? Math.round((255 * (v - min)) / (max - min)) : 128;
    data.set([level, level, level, 255], i * 4);
  });
  return { width, height, data };
}

/**
 * The units of an input: pixels (blocks of sweepDim²) of an image or an image-shaped .npy
 * ([N, C, H, W] / [N, H, W, C], or [N, H, W]); tokens (blocks of sweepDim) of a sequence
 * ([N, L], or [N, L, D] with --tokens).
 */
export function unitsOf(input: LoadedInput, sweepDim: number, tokens: readonly string[] | null): InputUnits {
  const shape = input.tensor.shape.slice(1);
  const data = input.tensor.data;
  if (tokens !== null || shape.length === 1) {
    if (shape.length > 2) throw new UsageError(`--tokens labels a sequence input [N, L] or [N, L, D]; this input is [${input.tensor.shape.join(', ')}]`);
    const length = shape[0] as number;
    const layout = sequenceUnits(length, shape[1] ?? 1, sweepDim);
    if (tokens !== null && tokens.length !== length) throw new UsageError(`--tokens gives ${tokens.length} tokens but the input has ${length} positions`);
    const labels = layout.features.map((_, u) => (tokens !== null ? tokens.slice(u * sweepDim, (u + 1) * sweepDim).join(' ') : String(u * sweepDim)));
    return { layout, picture: null, labels };
  }
  if (shape.length === 2) {
    const [height, width] = shape as [number, number];
    return { layout: gridUnits({ height, width }, sweepDim), picture: grayPicture(data, height, width, 1, (_, y, x) => y * width + x), labels: null };
  }
  if (shape.length !== 3) throw new UsageError(`hierarchies are built for sequences and images; this input is [${input.tensor.shape.join(', ')}]`);
  const nchw = input.layout === 'nchw';
  const [channels, height, width] = (nchw ? shape : [shape[2], shape[0], shape[1]]) as [number, number, number];
  const at = (c: number, y: number, x: number): number => (nchw ? (c * height + y) * width + x : (y * width + x) * channels + c);
  const layout = gridUnits({ height, width, channels, layout: nchw ? 'chw' : 'hwc' }, sweepDim);
  return { layout, picture: input.image ?? grayPicture(data, height, width, channels, at), labels: null };
}
