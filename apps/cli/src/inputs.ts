import { greyImage, imageToTensor, resizeBilinear, type Tensor } from '@ig/core';
import { CliError, FileFormatError, UsageError } from './errors.js';
import { readNpyFile, readUserFile } from './files.js';
import { decodeImage, isImagePath } from './image.js';
import type { Layout, Normalization, Rgba } from './image.js';
import { checkNpyBody, checkPixels, DEFAULT_LIMITS, imageSize, readNpyHeaderOnly, type Limits } from './limits.js';
import { toFloat32, type NpyArray } from './npy.js';
import { readNpzArray } from './npz.js';
import { imagePreprocessing, npyPreprocessing } from './preprocessing.js';
import { refuseImageOptionsForArray } from './image-only-options.js';
import type { Preprocessing } from './preprocessing.js';

export interface InputSettings {
  readonly size: { width: number; height: number } | null;
  /** null: inferred from the model's input shape, else NCHW. */
  readonly layout: Layout | null;
  readonly normalization: Normalization;
  readonly channels: 1 | 3 | null;
  /** Pixel and byte limits; DEFAULT_LIMITS when absent. */
  readonly limits?: Limits;
  /** The image-only options given (--size, --normalize, …): refused for an array input. */
  readonly imageOptions?: readonly string[];
}

export interface LoadedInput {
  readonly tensor: Tensor;
  /** Where the channels are, for rank-4 inputs. */
  readonly layout: Layout;
  /** The image as the model sees it (resized; grey for a one-channel model), when the input was an image. */
  readonly image: Rgba | null;
  /** The normalization applied to image pixels (identity for .npy inputs). */
  readonly normalization: Normalization | null;
  /** The file's size or shape, the model's input shape and each step between them. */
  readonly preprocessing?: Preprocessing;
}

type ModelShape = readonly (number | null)[] | null;

const describe = (shape: readonly (number | null)[]): string => `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/** NHWC when the model's input is [N, H, W, C] with C of 1 or 3 and H not; else the setting or NCHW. */
export function resolveLayout(setting: Layout | null, modelShape: ModelShape): Layout {
  if (setting) return setting;
  if (modelShape?.length === 4) {
    const [, d1, , d3] = modelShape;
    if ((d3 === 1 || d3 === 3) && d1 !== 1 && d1 !== 3) return 'nhwc';
  }
  return 'nchw';
}

/** Refuses an image layout under which the model's channel axis holds neither 1 nor 3 where the other layout's does. */
function checkLayoutFits(layout: Layout, modelShape: ModelShape): void {
  if (modelShape?.length !== 4) return;
  const isChannels = (d: number | null | undefined): boolean => d === 1 || d === 3;
  const [axis, otherAxis, other] = layout === 'nchw' ? [1, 3, 'nhwc'] : [3, 1, 'nchw'];
  const channels = modelShape[axis];
  if (channels !== null && channels !== undefined && !isChannels(channels) && isChannels(modelShape[otherAxis])) {
    throw new UsageError(
      `--layout ${layout} reads the model input ${describe(modelShape)} as ${channels} channels on axis ${axis}; its axis ${otherAxis} holds ${String(modelShape[otherAxis])}: use --layout ${other}`,
    );
  }
}

function checkAgainstModel(shape: readonly number[], modelShape: ModelShape, path: string): void {
  if (!modelShape) return;
  const fits = shape.length === modelShape.length && modelShape.every((d, i) => i === 0 || d === null || d === shape[i]);
  if (!fits) {
    throw new CliError(`input ${path} has shape ${describe(shape)} but the model takes ${describe(modelShape)}; reshape or resize the input`);
  }
}

/**
 * Refuses NaN and ±Infinity, naming the first one's index in the file's shape; where the file's
 * own value (`stored`, float64) is finite, it is beyond float32's range, and the error says so.
 */
export function checkFinite(data: Float32Array, shape: readonly number[], path: string, stored?: ArrayLike<number | bigint>): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (Number.isFinite(v)) continue;
    const at = `at index [${unravel(i, shape).join(', ')}] (flat ${i})`;
    const original = Number(stored?.[i] ?? v);
    if (Number.isFinite(original))
      throw new FileFormatError(path, `${String(original)} ${at} is beyond float32's range (±3.4e38), in which the model computes; scale the input`);
    throw new FileFormatError(path, `${String(v)} ${at}; inputs must be finite numbers`);
  }
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const index = shape.map(() => 0);
  for (let axis = shape.length - 1, rest = flat; axis >= 0; axis--) {
    const size = shape[axis] as number;
    index[axis] = rest % size;
    rest = Math.floor(rest / size);
  }
  return index;
}

/** The model's input shape with its open dimensions past the batch axis those of the array given. */
const filledShape = (modelShape: ModelShape, shape: readonly number[]): (number | null)[] =>
  modelShape?.length === shape.length ? modelShape.map((d, axis) => d ?? (axis === 0 ? null : (shape[axis] as number))) : [null, ...shape.slice(1)];

/** The file's shape as the model takes it: a missing batch axis added, or a leading 1 past the model's rank dropped. */
function fittedShape(shape: readonly number[], modelShape: ModelShape): number[] {
  if (modelShape && shape.length === modelShape.length - 1) return [1, ...shape];
  if (modelShape && shape.length === modelShape.length + 1 && shape[0] === 1) return shape.slice(1);
  return [...shape];
}

export function loadInput(path: string, settings: InputSettings, modelShape: ModelShape): LoadedInput {
  const layout = resolveLayout(settings.layout, modelShape);
  const limits = settings.limits ?? DEFAULT_LIMITS;
  if (isImagePath(path)) {
    if (modelShape && modelShape.length !== 4) {
      throw new UsageError(`input ${path} is an image but the model takes ${describe(modelShape)}; pass a .npy input`);
    }
    const bytes = readUserFile(path, 'input', limits.maxInputBytes);
    const declared = imageSize(bytes);
    if (declared) checkPixels(declared, limits, `image ${path}`);
    let size = settings.size;
    const channelAxis = layout === 'nchw' ? 1 : 3;
    checkLayoutFits(layout, modelShape);
    if (!size && modelShape?.length === 4) {
      const h = modelShape[layout === 'nchw' ? 2 : 1];
      const w = modelShape[layout === 'nchw' ? 3 : 2];
      if (h && w) size = { width: w, height: h };
    }
    if (size) checkPixels(size, limits, `the size ${path} is resized to (${settings.size ? '--size' : `the model's input ${describe(modelShape ?? [])}`})`);
    const decoded = decodeImage(bytes, path);
    checkPixels(decoded, limits, `image ${path}`);
    const modelChannels = modelShape?.[channelAxis];
    const channels = settings.channels ?? (modelChannels === 1 ? 1 : 3);
    const resized = size ? resizeBilinear(decoded, size.width, size.height) : decoded;
    const tensor = imageToTensor(resized, { channels, layout, ...settings.normalization });
    const image = channels === 1 ? greyImage(resized) : resized;
    checkAgainstModel(tensor.shape, modelShape, path);
    const preprocessing = imagePreprocessing({
      file: path,
      decoded,
      size,
      sizeFrom: settings.size ? '--size' : 'the model input',
      channels,
      normalization: settings.normalization,
      modelInputShape: modelShape,
      inputShape: tensor.shape,
      layout,
    });
    return { tensor, layout, image, normalization: settings.normalization, preprocessing };
  }
  refuseImageOptionsForArray(settings.imageOptions, path);
  if (/\.npz$/i.test(path))
    return fromArray(path, readNpzArray(readUserFile(path, 'input', limits.maxInputBytes), path, limits.maxInputBytes), modelShape, layout, settings.layout);
  if (!/\.npy$/i.test(path)) throw new UsageError(`input ${path}: expected a .npy or .npz array or a PNG or JPEG image (.png, .jpg, .jpeg)`);
  // The header alone first: a wrong shape or an oversized array is refused before its body is read.
  const header = readNpyHeaderOnly(path);
  const shape = fittedShape(header.shape, modelShape);
  if (shape.length === 0) throw new FileFormatError(path, 'holds a scalar; the input needs a batch axis');
  checkAgainstModel(shape, modelShape, path);
  if (settings.layout !== null) checkLayoutFits(layout, filledShape(modelShape, shape));
  checkNpyBody(path, header, limits);
  return fromArray(path, readNpyFile(path, 'input'), modelShape, layout, null);
}

/** An array read from a file as the model's input: shape fitted and checked, values finite. */
function fromArray(path: string, array: NpyArray, modelShape: ModelShape, layout: Layout, given: Layout | null): LoadedInput {
  const shape = fittedShape(array.shape, modelShape);
  if (shape.length === 0) throw new FileFormatError(path, 'holds a scalar; the input needs a batch axis');
  checkAgainstModel(shape, modelShape, path);
  if (given !== null) checkLayoutFits(layout, filledShape(modelShape, shape));
  const data = toFloat32(array);
  checkFinite(data, array.shape, path, array.data);
  return { tensor: { data, shape }, layout, image: null, normalization: null, preprocessing: npyPreprocessing(path, array.shape, shape, modelShape, layout) };
}
