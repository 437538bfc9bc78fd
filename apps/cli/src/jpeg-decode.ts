import jpeg from 'jpeg-js';
import type { RgbaImage } from '@ig/core';
import type { JpegFrame } from './image-structure.js';

/*
 * jpeg-js decodes the DCT data; its own colour step replicates subsampled chroma and truncates
 * the YCbCr → RGB result, up to ~17 levels off libjpeg (what PIL, torchvision and OpenCV use) on
 * sharp colour edges. For YCbCr JPEGs this module takes jpeg-js's planes before that step and does
 * it as libjpeg does by default: "fancy" (triangle-filter) chroma upsampling for 2×1, 2×2 and 1×2
 * subsampling (jdsample.c) and the fixed-point colour conversion of jdcolor.c.
 */

const SCALE_BITS = 16;
const ONE_HALF = 1 << (SCALE_BITS - 1);
const fix = (x: number): number => Math.floor(x * (1 << SCALE_BITS) + 0.5);
const CR_R = Array.from({ length: 256 }, (_, i) => (fix(1.402) * (i - 128) + ONE_HALF) >> SCALE_BITS);
const CB_B = Array.from({ length: 256 }, (_, i) => (fix(1.772) * (i - 128) + ONE_HALF) >> SCALE_BITS);
const CR_G = Array.from({ length: 256 }, (_, i) => -fix(0.71414) * (i - 128));
const CB_G = Array.from({ length: 256 }, (_, i) => -fix(0.34414) * (i - 128) + ONE_HALF);
const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

interface Plane {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** The component's samples at its own resolution, from jpeg-js's replicated full-size channel. */
function componentPlane(raw: Uint8Array, channel: number, width: number, height: number, xRatio: number, yRatio: number): Plane {
  const w = Math.ceil(width / xRatio);
  const h = Math.ceil(height / yRatio);
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = raw[(y * yRatio * width + x * xRatio) * 4 + channel] as number;
  return { width: w, height: h, data };
}

/** libjpeg's h1v2 / h2v1 / h2v2 fancy upsampling, edges replicated, cropped to width × height. */
function fancyUpsample(plane: Plane, xRatio: number, yRatio: number, width: number, height: number): Uint8Array {
  const { data: src, width: pw, height: ph } = plane;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const cy = Math.floor(y / yRatio);
    // the nearer neighbouring row: above for an even output row, below for an odd one
    const ny = yRatio === 2 ? Math.min(ph - 1, Math.max(0, y % 2 === 0 ? cy - 1 : cy + 1)) : cy;
    const row = cy * pw;
    const other = ny * pw;
    const line = y * width;
    for (let x = 0; x < width; x++) {
      const cx = xRatio === 2 ? x >> 1 : x;
      if (xRatio === 1) {
        out[line + x] = (3 * (src[row + cx] as number) + (src[other + cx] as number) + (y % 2 === 0 ? 1 : 2)) >> 2;
        continue;
      }
      const nx = Math.min(pw - 1, Math.max(0, x % 2 === 0 ? cx - 1 : cx + 1));
      if (yRatio === 1) {
        out[line + x] = (3 * (src[row + cx] as number) + (src[row + nx] as number) + (x % 2 === 0 ? 1 : 2)) >> 2;
      } else {
        const here = 3 * (src[row + cx] as number) + (src[other + cx] as number);
        const beside = 3 * (src[row + nx] as number) + (src[other + nx] as number);
        out[line + x] = (3 * here + beside + (x % 2 === 0 ? 8 : 7)) >> 4;
      }
    }
  }
  return out;
}

/** The ratio of the largest sampling factors to this component's, per axis. */
function ratios(frame: JpegFrame, index: number): [number, number] {
  const maxH = Math.max(...frame.components.map((c) => c.h));
  const maxV = Math.max(...frame.components.map((c) => c.v));
  const c = frame.components[index] as { h: number; v: number };
  return [maxH / c.h, maxV / c.v];
}

/** A channel at full size: libjpeg's fancy upsampling where it applies, else jpeg-js's replication. */
function fullChannel(raw: Uint8Array, frame: JpegFrame, index: number, width: number, height: number): Uint8Array {
  const [xr, yr] = ratios(frame, index);
  const fancy = ((xr === 2 && (yr === 1 || yr === 2)) || (xr === 1 && yr === 2)) && (xr === 1 || Math.ceil(width / 2) > 2);
  if (!fancy) {
    const channel = new Uint8Array(width * height);
    for (let p = 0; p < channel.length; p++) channel[p] = raw[p * 4 + index] as number;
    return channel;
  }
  return fancyUpsample(componentPlane(raw, index, width, height, xr, yr), xr, yr, width, height);
}

/** Decodes a JPEG to RGBA as libjpeg would (its size was checked against --max-pixels from the header, so jpeg-js's own caps are set high) for three-component YCbCr or RGB frames; jpeg-js's own output otherwise. */
export function decodeJpeg(bytes: Uint8Array, frame: JpegFrame): RgbaImage {
  const libjpegColour = frame.components.length === 3 && frame.adobeTransform !== 1;
  const decoded = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxMemoryUsageInMB: 4096,
    maxResolutionInMP: 1000,
    ...(libjpegColour ? { colorTransform: false } : {}),
  });
  const { width, height } = decoded;
  const raw = decoded.data;
  if (!libjpegColour) return { width, height, data: new Uint8ClampedArray(raw.buffer, raw.byteOffset, raw.length) };
  const [c0, c1, c2] = [0, 1, 2].map((k) => fullChannel(raw, frame, k, width, height)) as [Uint8Array, Uint8Array, Uint8Array];
  // libjpeg takes three components as RGB when an Adobe segment says transform 0, or their ids spell "RGB".
  const rgb = frame.adobeTransform === 0 || frame.components.map((c) => String.fromCharCode(c.id)).join('') === 'RGB';
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const y = c0[p] as number;
    const cb = c1[p] as number;
    const cr = c2[p] as number;
    const o = p * 4;
    if (rgb) {
      data[o] = y;
      data[o + 1] = cb;
      data[o + 2] = cr;
    } else {
      data[o] = clamp(y + (CR_R[cr] as number));
      data[o + 1] = clamp(y + (((CB_G[cb] as number) + (CR_G[cr] as number)) >> SCALE_BITS));
      data[o + 2] = clamp(y + (CB_B[cb] as number));
    }
    data[o + 3] = 255;
  }
  return { width, height, data };
}
