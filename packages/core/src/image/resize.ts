import type { RgbaImage } from '../visualize/types.js';

/** Source column (or row) pairs and the weight of the second, for each output column (or row). */
interface Taps {
  readonly first: Int32Array;
  readonly second: Int32Array;
  readonly weight: Float32Array;
}

/** Pixel centres aligned: output i samples the source at (i + 0.5) · from / to − 0.5, clamped to the edge. */
function taps(from: number, to: number): Taps {
  const first = new Int32Array(to);
  const second = new Int32Array(to);
  const weight = new Float32Array(to);
  const scale = from / to;
  for (let i = 0; i < to; i++) {
    const at = Math.min(from - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const lower = Math.floor(at);
    first[i] = lower;
    second[i] = Math.min(from - 1, lower + 1);
    weight[i] = at - lower;
  }
  return { first, second, weight };
}

/**
 * Bilinear resampling of all four channels with pixel centres aligned (as OpenCV's `INTER_LINEAR`
 * and PIL's bilinear filter when enlarging; no antialiasing when shrinking). The same image when
 * the size does not change.
 */
export function resizeBilinear(image: RgbaImage, width: number, height: number): RgbaImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resizeBilinear: the size must be positive integers, got ${width}×${height}`);
  }
  if (image.width === width && image.height === height) return image;
  const columns = taps(image.width, width);
  const rows = taps(image.height, height);
  const source = image.data;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const top = (rows.first[y] as number) * image.width * 4;
    const bottom = (rows.second[y] as number) * image.width * 4;
    const wy = rows.weight[y] as number;
    for (let x = 0; x < width; x++) {
      const left = (columns.first[x] as number) * 4;
      const right = (columns.second[x] as number) * 4;
      const wx = columns.weight[x] as number;
      const o = (y * width + x) * 4;
      for (let ch = 0; ch < 4; ch++) {
        const upper = (source[top + left + ch] as number) * (1 - wx) + (source[top + right + ch] as number) * wx;
        const lower = (source[bottom + left + ch] as number) * (1 - wx) + (source[bottom + right + ch] as number) * wx;
        out[o + ch] = upper * (1 - wy) + lower * wy;
      }
    }
  }
  return { width, height, data: out };
}
