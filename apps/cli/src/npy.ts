/**
 * NumPy `.npy` files (format versions 1–3), C order, little-endian: float32, float64, int64,
 * int32, uint8 and bool read; float32, float64 and int64 written.
 */

export type NpyDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'bool';

export type NpyData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly data: NpyData;
}

export class NpyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyFormatError';
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCRIPTORS: Record<string, { dtype: NpyDtype; bytes: number }> = {
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 },
  i8: { dtype: 'int64', bytes: 8 },
  i4: { dtype: 'int32', bytes: 4 },
  u1: { dtype: 'uint8', bytes: 1 },
  b1: { dtype: 'bool', bytes: 1 },
};

const DESCR_OF: Record<'float32' | 'float64' | 'int64', string> = { float32: '<f4', float64: '<f8', int64: '<i8' };

function parseHeader(header: string): { descr: string; fortranOrder: boolean; shape: number[] } {
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
}

/** The header's length as the first 12 bytes give it, so a reader can fetch just the header first. */
export function npyHeaderEnd(prefix: Uint8Array): number {
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
  if (fortranOrder) throw new NpyFormatError('Fortran-ordered arrays are not supported; save with np.ascontiguousarray(a)');
  const order = descr[0];
  const kind = DESCRIPTORS[descr.slice(1)];
  if (!kind || (order === '>' && kind.bytes > 1)) {
    throw new NpyFormatError(`unsupported dtype '${descr.slice(0, 40)}'; use little-endian float32, float64, int64, int32, uint8 or bool`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  return { dtype: kind.dtype, shape, dataStart, dataBytes: count * kind.bytes };
}

/** Parses an .npy file's bytes. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const { dtype, shape, dataStart, dataBytes } = parseNpyHeader(bytes);
  if (bytes.length - dataStart < dataBytes) {
    throw new NpyFormatError(`truncated data: shape (${shape.join(', ')}) needs ${dataBytes} bytes, file has ${bytes.length - dataStart}`);
  }
  // Copy (Buffer#slice would share the pool) so the typed array is aligned and owns its memory.
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + dataBytes)).buffer;
  const data: NpyData =
    dtype === 'float32'
      ? new Float32Array(raw)
      : dtype === 'float64'
        ? new Float64Array(raw)
        : dtype === 'int64'
          ? new BigInt64Array(raw)
          : dtype === 'int32'
            ? new Int32Array(raw)
            : new Uint8Array(raw);
  return { dtype, shape, data };
}

/** Any supported array as float32 values (int64 beyond 2^24 loses precision, as in NumPy). */
export function toFloat32(array: NpyArray): Float32Array {
  if (array.data instanceof Float32Array) return array.data;
  if (array.data instanceof BigInt64Array) return Float32Array.from(array.data, (v) => Number(v));
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
