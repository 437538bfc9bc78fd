import { InvalidOptionError, ShapeMismatchError } from '../errors.js';
import { formatShape, type Tensor } from '../tensor.js';
import type { ImageLayout } from './gaussian-blur.js';

export type Reducer = 'sum' | 'mean' | 'min' | 'max' | 'abs-sum';
export const REDUCERS: readonly Reducer[] = ['sum', 'mean', 'min', 'max', 'abs-sum'];

/**
 * Per-pixel reduction of channel attributions (xplique's `reducer`): an image attribution
 * [N, C, H, W] (NCHW) or [N, H, W, C] (NHWC) becomes [N, H, W]. Leading target axes are kept:
 * [N, T, C, H, W] becomes [N, T, H, W].
 */
export function reduceChannels(attribution: Tensor, reducer: Reducer, layout: ImageLayout): Tensor {
  if (!REDUCERS.includes(reducer)) throw new InvalidOptionError(`reducer must be one of ${REDUCERS.join(', ')}, got '${String(reducer)}'`);
  if (layout !== 'NCHW' && layout !== 'NHWC') throw new InvalidOptionError(`layout must be NCHW or NHWC, got '${String(layout)}'`);
  const shape = attribution.shape;
  if (shape.length < 4) throw new ShapeMismatchError(`reducer needs an image attribution [N, C, H, W] or [N, H, W, C], got ${formatShape(shape)}`);
  const last3 = shape.slice(-3) as [number, number, number];
  const [channels, height, width] = layout === 'NCHW' ? last3 : [last3[2], last3[0], last3[1]];
  const images = attribution.data.length / (channels * height * width);
  const pixels = height * width;
  const data = new Float32Array(images * pixels);
  for (let n = 0; n < images; n++) {
    for (let p = 0; p < pixels; p++) {
      let acc = reducer === 'min' ? Infinity : reducer === 'max' ? -Infinity : 0;
      for (let c = 0; c < channels; c++) {
        const v = attribution.data[n * channels * pixels + (layout === 'NCHW' ? c * pixels + p : p * channels + c)] as number;
        acc = reducer === 'min' ? Math.min(acc, v) : reducer === 'max' ? Math.max(acc, v) : acc + (reducer === 'abs-sum' ? Math.abs(v) : v);
      }
      data[n * pixels + p] = reducer === 'mean' ? acc / channels : acc;
    }
  }
  return { data, shape: [...shape.slice(0, -3), height, width] };
}
