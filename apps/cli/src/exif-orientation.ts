import type { RgbaImage } from '@ig/core';

/**
 * The Orientation tag (0x0112) of an EXIF block (a TIFF header and its first IFD, as a JPEG's
 * APP1 "Exif\0\0" segment or a PNG's eXIf chunk holds it); 1 (as stored) when absent or unreadable.
 */
export function exifOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = String.fromCharCode(tiff[0] as number, tiff[1] as number);
  if (order !== 'II' && order !== 'MM') return 1;
  const little = order === 'II';
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const entries = view.getUint16(ifd, little);
  for (let k = 0; k < entries; k++) {
    const at = ifd + 2 + 12 * k;
    if (at + 12 > tiff.length) return 1;
    if (view.getUint16(at, little) === 0x0112) {
      const value = view.getUint16(at + 8, little);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** Where output pixel (x, y) of the upright image is read in the stored w×h one, per orientation. */
const SOURCE: Record<number, (x: number, y: number, w: number, h: number) => [number, number]> = {
  2: (x, y, w) => [w - 1 - x, y],
  3: (x, y, w, h) => [w - 1 - x, h - 1 - y],
  4: (x, y, _w, h) => [x, h - 1 - y],
  5: (x, y) => [y, x],
  6: (x, y, _w, h) => [y, h - 1 - x],
  7: (x, y, w, h) => [w - 1 - y, h - 1 - x],
  8: (x, y, w) => [w - 1 - y, x],
};

/**
 * The image turned upright as its EXIF orientation says, as PIL's ImageOps.exif_transpose does
 * (what a phone photo looks like in a viewer, and what a Captum user feeds the model).
 */
export function orientImage(image: RgbaImage, orientation: number): RgbaImage {
  const source = SOURCE[orientation];
  if (!source) return image;
  const { width: w, height: h } = image;
  const [width, height] = orientation >= 5 ? [h, w] : [w, h];
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = source(x, y, w, h);
      const from = (sy * w + sx) * 4;
      data.set(image.data.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data };
}
