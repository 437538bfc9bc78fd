/**
 * NumPy `.npy` files (format versions 1–3): every numeric dtype and bool read, in either byte
 * order and in C or Fortran order; float32, float64 and int64 written (C order, little-endian).
 */
import { cOrderOf, npyKind, npyValues, type NpyData, type NpyDtype } from './npy-dtypes.js';
import { NpyFormatError } from './npy-error.js';

export type { NpyData, NpyDtype } from './npy-dtypes.js';
export { NpyFormatError } from './npy-error.js';

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** The values in C (row-major) order, whatever the file's order. */
  readonly data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR_OF: Record<'float32' | 'float64' | 'int64', string> = { float32: '<f4', float64: '<f8', int64: '<i8' };

function parseHeader(header: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  if (/'descr'\s*:\s*\[/.test(header)) throw new NpyFormatError('holds a structured array (fields); save one numeric field, e.g. np.save(f, a["x"])');
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    const text = header.trim();
    throw new NpyFormatError(`malformed .npy header (${header.length} characters): ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new NpyFormatError(`malformed shape (${shapeText.slice(0, 80)}) in .npy header`);
      return n;
    });
  return { descr, fortranOrder: fortran === 'True', shape };
}

/** What an .npy header says: the dtype, the shape, where the data starts and how many bytes it takes. */
export interface NpyHeader {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly dataStart: number;
  readonly dataBytes: number;
  readonly elementBytes: number;
  readonly bigEndian: boolean;
  readonly fortranOrder: boolean;
}

/** The header's length as the first 12 bytes give it, so a reader can fetch just the header first. */
export function npyHeaderEnd(prefix: Uint8Array): number {
  if (prefix.length === 0) throw new NpyFormatError('is empty (0 bytes), not a .npy file');
  if (prefix.length < 10 || MAGIC.some((b, i) => prefix[i] !== b)) {
    throw new NpyFormatError('not a .npy file (missing the \\x93NUMPY magic)');
  }
  const major = prefix[6] as number;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if (major === 2 || major === 3) {
    if (prefix.length < 12) throw new NpyFormatError('truncated .npy header');
    return 12 + view.getUint32(8, true);
  }
  throw new NpyFormatError(`unsupported .npy format version ${major}`);
}

/** Parses the header at the start of `bytes` (which need not hold the data). */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader {
  const dataStart = npyHeaderEnd(bytes);
  const major = bytes[6] as number;
  const headerStart = major === 1 ? 10 : 12;
  if (dataStart > bytes.length) throw new NpyFormatError('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const { descr, fortranOrder, shape } = parseHeader(header);
  const kind = npyKind(descr);
  const count = shape.reduce((a, b) => a * b, 1);
  return { dtype: kind.dtype, shape, dataStart, dataBytes: count * kind.bytes, elementBytes: kind.bytes, bigEndian: kind.bigEndian, fortranOrder };
}

/** Parses an .npy file's bytes. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const header = parseNpyHeader(bytes);
  const { shape, dataStart, dataBytes } = header;
  if (bytes.length - dataStart < dataBytes) {
    throw new NpyFormatError(`truncated data: shape (${shape.join(', ')}) needs ${dataBytes} bytes, file has ${bytes.length - dataStart}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const values = npyValues(bytes.subarray(dataStart), { dtype: header.dtype, bytes: header.elementBytes, bigEndian: header.bigEndian }, count);
  return { dtype: header.dtype, shape, data: header.fortranOrder ? cOrderOf(values, shape) : values };
}

/** Any supported array as float32 values (int64 beyond 2^24 loses precision, as in NumPy). */
export function toFloat32(array: NpyArray): Float32Array {
  if (array.data instanceof Float32Array) return array.data;
  if (array.data instanceof BigInt64Array || array.data instanceof BigUint64Array) return Float32Array.from(array.data, (v) => Number(v));
  return Float32Array.from(array.data);
}

/** Serializes a C-order array as an .npy (version 1.0) file. */
export function formatNpy(data: Float32Array | Float64Array | BigInt64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new NpyFormatError(`shape (${shape.join(', ')}) holds ${count} values but data has ${data.length}`);
  const dtype = data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : 'int64';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR_OF[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
