/** Reads an image model's input size, channels and layout from its declared input shape. */
import { ModelInputError } from './errors.js';
import type { ImageInputSpec } from './image.js';

export type DeclaredShape = readonly (number | string | null)[];

/** [N, H, W]: one grey channel without its axis (Keras models that start with Flatten(input_shape=(H, W))). */
function greySpec(dims: readonly (number | null)[], shown: string, name: string): ImageInputSpec {
  const [batch, height, width] = dims;
  if (batch !== null && batch !== 1)
    throw new ModelInputError(`${name}: the input ${shown} fixes the batch size at ${batch}; the page sends one image at a time`);
  if (height === null || width === null || height === undefined || width === undefined)
    throw new ModelInputError(`${name}: the input shape ${shown} leaves the image size open; export the model with a fixed height and width`);
  return { width, height, channels: 1, layout: 'nhwc', mean: [0], std: [1], modelShape: [1, height, width] };
}

/**
 * [N, H, W] (grey), [N, C, H, W] (C = 1 or 3) or [N, H, W, C]; the batch axis may be symbolic ('N', -1, unknown)
 * or 1, since the page sends one image.
 */
export function specFromShape(shape: DeclaredShape | null | undefined, name: string): ImageInputSpec {
  const shown = `[${(shape ?? []).map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
  const dims = (shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : null));
  if (dims.length === 3) return greySpec(dims, shown, name);
  if (dims.length !== 4)
    throw new ModelInputError(
      `${name}: the playground explains image models with a [1, C, H, W], [1, H, W, C] or [1, H, W] input; this one has shape ${shown}`,
    );
  const [batch, a, b, c] = dims;
  if (batch !== null && batch !== 1)
    throw new ModelInputError(`${name}: the input ${shown} fixes the batch size at ${batch}; the page sends one image at a time`);
  const nchw = a === 1 || a === 3;
  const [channels, height, width] = nchw ? [a, b, c] : [c, a, b];
  if (channels !== 1 && channels !== 3)
    throw new ModelInputError(`${name}: cannot find 1 or 3 colour channels in the input shape ${shown} (neither [1, C, H, W] nor [1, H, W, C])`);
  if (height === null || width === null || height === undefined || width === undefined)
    throw new ModelInputError(`${name}: the input shape ${shown} leaves the image size open; export the model with a fixed height and width`);
  return { width, height, channels, layout: nchw ? 'nchw' : 'nhwc', mean: [0, 0, 0], std: [1, 1, 1] };
}
