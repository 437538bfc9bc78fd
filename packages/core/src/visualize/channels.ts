import { InvalidOptionError, ShapeMismatchError } from '../errors.js';
import type { AttributionMap, ChannelLayout, PixelMap } from './types.js';

const CHANNEL_COUNTS = new Set([1, 3, 4]);

function describe(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Picks the layout of a rank-3 map when the caller did not: a leading axis of 1, 3 or 4 reads
 * as channels-first (the NCHW convention of ONNX and PyTorch), else a trailing one as channels-last.
 */
export function inferLayout(shape: readonly number[]): ChannelLayout {
  const first = shape[0] as number;
  const last = shape[2] as number;
  if (CHANNEL_COUNTS.has(first)) return 'chw';
  if (CHANNEL_COUNTS.has(last)) return 'hwc';
  throw new ShapeMismatchError(`attributions of shape ${describe(shape)}: cannot tell the channel axis; pass layout 'chw' or 'hwc'`);
}

/** Sums the channels of an attribution map into one value per pixel, as Captum does. */
export function combineChannels(map: AttributionMap, layout?: ChannelLayout): PixelMap {
  let shape = map.shape;
  if (shape.length === 4) {
    if (shape[0] !== 1) {
      throw new ShapeMismatchError(`attributions of shape ${describe(shape)}: a heatmap takes one image; slice the batch first`);
    }
    shape = shape.slice(1);
  }
  const expected = shape.reduce((a, b) => a * b, 1);
  if (map.data.length !== expected) {
    throw new ShapeMismatchError(`attributions: shape ${describe(map.shape)} holds ${expected} values but data has ${map.data.length}`);
  }
  if (shape.length === 2) {
    const [height, width] = shape as [number, number];
    return { width, height, values: Float64Array.from(map.data) };
  }
  if (shape.length !== 3) {
    throw new ShapeMismatchError(`attributions of shape ${describe(map.shape)}: expected [H,W], [C,H,W] or [H,W,C]`);
  }
  const resolved = layout ?? inferLayout(shape);
  if (resolved !== 'chw' && resolved !== 'hwc') throw new InvalidOptionError(`layout must be 'chw' or 'hwc', got '${String(resolved)}'`);
  const [a, b, c] = shape as [number, number, number];
  const channels = resolved === 'chw' ? a : c;
  const height = resolved === 'chw' ? b : a;
  const width = resolved === 'chw' ? c : b;
  const pixels = height * width;
  const values = new Float64Array(pixels);
  if (resolved === 'chw') {
    for (let ch = 0; ch < channels; ch++) {
      for (let p = 0; p < pixels; p++) values[p] = (values[p] as number) + (map.data[ch * pixels + p] as number);
    }
  } else {
    for (let p = 0; p < pixels; p++) {
      let sum = 0;
      for (let ch = 0; ch < channels; ch++) sum += map.data[p * channels + ch] as number;
      values[p] = sum;
    }
  }
  return { width, height, values };
}
