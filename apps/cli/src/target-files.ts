import { FileFormatError, UsageError } from './errors.js';
import { readNpyFile, readUserFile } from './files.js';
import { PNG } from 'pngjs';
import { orientImage } from './exif-orientation.js';
import { decodeImage } from './image.js';
import { imageStructure } from './image-structure.js';
import { checkNpyBody, checkPixels, imageSize, readNpyHeaderOnly, type Limits } from './limits.js';
import { toFloat32 } from './npy.js';

/** --target-weights, read: one weight per output of an example (with or without a batch axis of 1). */
export interface WeightsFile {
  readonly file: string;
  readonly shape: readonly number[];
  readonly weights: Float32Array;
}

/** --region-mask, read: which pixels of the output's H × W are inside the region. */
export interface RegionMask {
  readonly file: string;
  readonly height: number;
  readonly width: number;
  /** height × width, row-major: 1 inside, 0 outside. */
  readonly inside: Uint8Array;
  readonly pixels: number;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

export function readWeightsFile(file: string, limits: Limits): WeightsFile {
  const header = readNpyHeaderOnly(file, '--target-weights');
  if (header.dtype !== 'float32' && header.dtype !== 'float64')
    throw new FileFormatError(file, `holds ${header.dtype} values; --target-weights takes a float32 or float64 .npy`);
  checkNpyBody(file, header, limits);
  const weights = toFloat32(readNpyFile(file, '--target-weights'));
  let nonzero = 0;
  weights.forEach((w, i) => {
    if (!Number.isFinite(w)) throw new FileFormatError(file, `weight ${String(w)} at flat index ${i}; --target-weights must be finite`);
    if (w !== 0) nonzero++;
  });
  if (nonzero === 0) throw new FileFormatError(file, `every weight of the ${shapeText(header.shape)} array is 0: the objective Σ w·output would be constant`);
  return { file, shape: header.shape, weights };
}

function maskFromNpy(file: string, limits: Limits): { height: number; width: number; values: ArrayLike<number> } {
  const header = readNpyHeaderOnly(file, '--region-mask');
  const shape = header.shape.length === 3 && header.shape[0] === 1 ? header.shape.slice(1) : header.shape;
  if (shape.length !== 2) throw new FileFormatError(file, `has shape ${shapeText(header.shape)}; --region-mask takes a mask [H, W] (or [1, H, W])`);
  checkNpyBody(file, header, limits);
  const values = toFloat32(readNpyFile(file, '--region-mask'));
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new FileFormatError(file, `${String(values[bad])} at flat index ${bad}; a mask holds finite numbers (nonzero = inside)`);
  return { height: shape[0] as number, width: shape[1] as number, values };
}

/**
 * A PNG pixel is inside when it is visible and not black: nonzero alpha and nonzero luminance,
 * on the samples as stored (a 16-bit label 1 is inside, though it rounds to 0 in 8 bits).
 */
function maskFromPng(file: string, limits: Limits): { height: number; width: number; values: ArrayLike<number> } {
  const bytes = readUserFile(file, '--region-mask', limits.maxInputBytes);
  const declared = imageSize(bytes);
  if (declared) checkPixels(declared, limits, `mask ${file}`);
  const { format, orientation } = imageStructure(bytes, file);
  let image: { width: number; height: number; data: ArrayLike<number> };
  try {
    image = format === 'png' ? PNG.sync.read(Buffer.from(bytes), { skipRescale: true }) : decodeImage(bytes, file);
  } catch (error) {
    throw error instanceof FileFormatError ? error : new FileFormatError(file, `cannot decode the PNG image: ${(error as Error).message}`);
  }
  const visible = new Uint8ClampedArray(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p++) {
    const [r, g, b, a] = [0, 1, 2, 3].map((k) => image.data[4 * p + k] as number) as [number, number, number, number];
    visible.fill(a > 0 && r + g + b > 0 ? 1 : 0, 4 * p, 4 * p + 4);
  }
  const upright = format === 'png' ? orientImage({ width: image.width, height: image.height, data: visible }, orientation) : { ...image, data: visible };
  const values = Uint8Array.from({ length: upright.width * upright.height }, (_, p) => upright.data[4 * p] as number);
  return { height: upright.height, width: upright.width, values };
}

/** Reads --region-mask: a .npy [H, W] (nonzero = inside) or a PNG (visible, non-black pixels); an empty mask is refused. */
export function readRegionMask(file: string, limits: Limits): RegionMask {
  let read: { height: number; width: number; values: ArrayLike<number> };
  if (/\.npy$/i.test(file)) read = maskFromNpy(file, limits);
  else if (/\.png$/i.test(file)) read = maskFromPng(file, limits);
  else throw new UsageError(`--region-mask ${file}: expected a .npy array [H, W] or a PNG image (a JPEG's compression would blur the mask's edge)`);
  const inside = Uint8Array.from({ length: read.values.length }, (_, i) => (read.values[i] !== 0 ? 1 : 0));
  const pixels = inside.reduce((sum, v) => sum + v, 0);
  if (pixels === 0)
    throw new FileFormatError(
      file,
      `the ${read.height}×${read.width} mask is empty (no pixel inside); the region's objective would be 0 and every attribution 0`,
    );
  return { file, height: read.height, width: read.width, inside, pixels };
}
