import { FileFormatError } from './errors.js';
import { exifOrientation } from './exif-orientation.js';

/** What an image file's structure says before its pixels are decoded. */
export interface ImageStructure {
  readonly format: 'png' | 'jpeg';
  /** EXIF orientation, 1 to 8 (1: stored upright). */
  readonly orientation: number;
  /** A JPEG's frame: its components' sampling factors and the Adobe colour transform (null without an Adobe segment). */
  readonly jpeg?: JpegFrame;
}

export interface JpegFrame {
  readonly components: readonly { readonly id: number; readonly h: number; readonly v: number }[];
  readonly adobeTransform: number | null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Formats recognised by their first bytes, to name what a file is when it is neither PNG nor JPEG. */
const OTHER_FORMATS: readonly { readonly name: string; readonly matches: (b: Uint8Array) => boolean }[] = [
  { name: 'a GIF image', matches: (b) => ascii(b, 0, 4) === 'GIF8' },
  { name: 'a BMP image', matches: (b) => ascii(b, 0, 2) === 'BM' },
  { name: 'a TIFF image', matches: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' },
  { name: 'a WebP image', matches: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP' },
  { name: 'a HEIF/AVIF image', matches: (b) => ascii(b, 4, 4) === 'ftyp' },
  { name: 'a JPEG 2000 image', matches: (b) => ascii(b, 4, 8) === 'jP  \r\n\x87\n' || ascii(b, 0, 4) === '\xffO\xffQ' },
  { name: 'a JPEG XL image', matches: (b) => ascii(b, 0, 2) === '\xff\x0a' },
  { name: 'a NumPy .npy array', matches: (b) => ascii(b, 0, 6) === '\x93NUMPY' },
  { name: 'a zip archive', matches: (b) => ascii(b, 0, 4) === 'PK\x03\x04' },
];

export const READ_FORMATS = 'ig reads PNG and JPEG images (and .npy and .npz arrays)';

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** The format by content (not by the file's name), with its orientation; a typed error for anything else. */
export function imageStructure(bytes: Uint8Array, path: string): ImageStructure {
  if (bytes.length === 0) throw new FileFormatError(path, `is empty (0 bytes); ${READ_FORMATS}`);
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return { format: 'png', orientation: pngOrientation(bytes, path) };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { format: 'jpeg', ...jpegStructure(bytes, path) };
  const other = OTHER_FORMATS.find((f) => f.matches(bytes));
  const convert = "; convert it, e.g. with PIL: Image.open(f).convert('RGB').save('image.png')";
  if (other) throw new FileFormatError(path, `is ${other.name}; ${READ_FORMATS}${other.name.endsWith('image') ? convert : ''}`);
  throw new FileFormatError(path, `is not a PNG or JPEG image (it starts with bytes ${hex(bytes.subarray(0, 4))}); ${READ_FORMATS}`);
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

/** Walks the chunks to IEND: a file cut short is named as such; an eXIf chunk gives the orientation. */
function pngOrientation(bytes: Uint8Array, path: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let orientation = 1;
  let at = 8;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    const end = at + 12 + length;
    if (end > bytes.length) throw new FileFormatError(path, `truncated PNG: the ${type} chunk at byte ${at} needs ${end} bytes, the file has ${bytes.length}`);
    if (type === 'eXIf') orientation = exifOrientation(bytes.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') return orientation;
    at = end;
  }
  throw new FileFormatError(path, `truncated PNG: the file ends after ${bytes.length} bytes, before the IEND chunk`);
}

/** SOF markers jpeg-js cannot decode, and what they are. */
const UNSUPPORTED_FRAMES: Record<number, string> = {
  0xc3: 'lossless',
  0xc5: 'differential sequential',
  0xc6: 'differential progressive',
  0xc7: 'differential lossless',
  0xc9: 'arithmetic-coded sequential',
  0xca: 'arithmetic-coded progressive',
  0xcb: 'arithmetic-coded lossless',
  0xcd: 'arithmetic-coded differential sequential',
  0xce: 'arithmetic-coded differential progressive',
  0xcf: 'arithmetic-coded differential lossless',
};

/** Walks the markers to the first scan: refuses frames jpeg-js cannot decode and a file without its end; reads the frame and the EXIF orientation. */
function jpegStructure(bytes: Uint8Array, path: string): { orientation: number; jpeg: JpegFrame } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let orientation = 1;
  let adobeTransform: number | null = null;
  const components: { id: number; h: number; v: number }[] = [];
  let at = 2;
  for (;;) {
    while (at < bytes.length && bytes[at] === 0xff && bytes[at + 1] === 0xff) at += 1;
    if (at + 4 > bytes.length) throw new FileFormatError(path, `truncated JPEG: the file ends after ${bytes.length} bytes, before the image data`);
    if (bytes[at] !== 0xff) throw new FileFormatError(path, `corrupt JPEG: expected a marker at byte ${at}, found 0x${hex(bytes.subarray(at, at + 1))}`);
    const marker = bytes[at + 1] as number;
    const length = view.getUint16(at + 2);
    if (at + 2 + length > bytes.length) {
      throw new FileFormatError(
        path,
        `truncated JPEG: the segment of marker FF${hex(bytes.subarray(at + 1, at + 2))} at byte ${at} needs ${at + 2 + length} bytes, the file has ${bytes.length}`,
      );
    }
    const kind = UNSUPPORTED_FRAMES[marker];
    if (kind) {
      throw new FileFormatError(
        path,
        `uses the ${kind} JPEG process (SOF${marker - 0xc0}), which ig cannot decode; re-save it as a baseline or progressive JPEG (jpegtran -optimize in.jpg > out.jpg) or as PNG`,
      );
    }
    if ((marker === 0xc0 || marker === 0xc1 || marker === 0xc2) && bytes[at + 4] !== 8) {
      throw new FileFormatError(path, `is a ${String(bytes[at + 4])}-bit JPEG; ig decodes 8-bit JPEGs: re-save it as PNG`);
    }
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      for (let c = 0; c < (bytes[at + 9] ?? 0); c++) {
        const factors = bytes[at + 11 + 3 * c] ?? 0x11;
        components.push({ id: bytes[at + 10 + 3 * c] ?? 0, h: factors >> 4, v: factors & 15 });
      }
    }
    if (marker === 0xee && ascii(bytes, at + 4, 5) === 'Adobe') adobeTransform = bytes[at + 15] ?? null;
    if (marker === 0xe1 && ascii(bytes, at + 4, 6) === 'Exif\0\0' && orientation === 1) {
      orientation = exifOrientation(bytes.subarray(at + 10, Math.min(bytes.length, at + 2 + length)));
    }
    if (marker === 0xda) break;
    at += 2 + length;
  }
  if (!hasEndOfImage(bytes, at))
    throw new FileFormatError(path, `truncated JPEG: no end-of-image marker (FFD9) after the image data; the file ends after ${bytes.length} bytes`);
  return { orientation, jpeg: { components, adobeTransform } };
}

function hasEndOfImage(bytes: Uint8Array, from: number): boolean {
  for (let i = bytes.length - 2; i >= from; i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}
