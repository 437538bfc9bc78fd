import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { CliError, FileFormatError } from './errors.js';
import { userFileError } from './files.js';
import { NpyFormatError, npyHeaderEnd, parseNpyHeader, type NpyHeader } from './npy.js';

/** Resource limits of one run; each has a flag to raise it (see the README's "Errors and limits"). */
export interface Limits {
  /** Pixels of a decoded image, and of the size an image is resized to (--max-pixels). */
  readonly maxPixels: number;
  /** Bytes of a .npy input's data (--max-input-mib). */
  readonly maxInputBytes: number;
}

export const DEFAULT_LIMITS: Limits = { maxPixels: 40_000_000, maxInputBytes: 1024 * 2 ** 20 };
/** Above this many nodes, a warning says that building and loading the gradient graphs will take long. */
export const LARGE_GRAPH_NODES = 5_000;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;

/** Width and height from a PNG's IHDR or a JPEG's frame header, without decoding the image; null if neither is found. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[12] === 0x49 && bytes[13] === 0x48) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = view.getUint16(at + 2);
    // SOF0–SOF15 hold the frame size; C4 (Huffman tables), C8 and CC (arithmetic coding) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    at += 2 + length;
  }
  return null;
}

/** Refuses an image (to decode, or to resize to) of more pixels than the limit, before any memory is spent on it. */
export function checkPixels(size: { width: number; height: number }, limits: Limits, what: string): void {
  const pixels = size.width * size.height;
  if (pixels > limits.maxPixels) {
    throw new CliError(`${what} is ${size.width}×${size.height} = ${pixels} pixels, above the limit of ${limits.maxPixels}; raise --max-pixels if you mean it`);
  }
}

function readPrefix(fd: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, 0);
  return buffer.subarray(0, read);
}

/** The header of a .npy file, read alone (its body is not touched), and the file's size. */
export function readNpyHeaderOnly(path: string, what = 'input'): NpyHeader & { readonly fileBytes: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw userFileError(error, path, what);
  }
  try {
    const end = npyHeaderEnd(readPrefix(fd, 12));
    if (end > 1 << 20) throw new NpyFormatError(`.npy header of ${end} bytes; headers are a few hundred`);
    return { ...parseNpyHeader(readPrefix(fd, end)), fileBytes: statSync(path).size };
  } catch (error) {
    if (error instanceof NpyFormatError) throw new FileFormatError(path, error.message);
    throw userFileError(error, path, what);
  } finally {
    closeSync(fd);
  }
}

/** Refuses a .npy body above the byte limit, or shorter than its header says, before it is read. */
export function checkNpyBody(path: string, header: NpyHeader & { readonly fileBytes: number }, limits: Limits): void {
  if (header.dataBytes > limits.maxInputBytes) {
    throw new CliError(
      `${path}: shape (${header.shape.join(', ')}) of ${header.dtype} is ${mib(header.dataBytes)}, above the limit of ${mib(limits.maxInputBytes)}; raise --max-input-mib if you mean it`,
    );
  }
  if (header.fileBytes - header.dataStart < header.dataBytes) {
    throw new FileFormatError(
      path,
      `truncated data: shape (${header.shape.join(', ')}) needs ${header.dataBytes} bytes, file has ${header.fileBytes - header.dataStart}`,
    );
  }
}
