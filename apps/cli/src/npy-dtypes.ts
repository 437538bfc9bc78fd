import { NpyFormatError } from './npy-error.js';
import { float16ToNumber } from '@ig/core';

/** The element types an .npy file may hold that ig reads, in either byte order. */
export type NpyDtype = 'float16' | 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool';

/** The values in memory; float16 is widened to Float32Array, bool kept as 0/1 bytes. */
export type NpyData =
  Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

export interface NpyKind {
  readonly dtype: NpyDtype;
  /** Bytes per element in the file. */
  readonly bytes: number;
  readonly bigEndian: boolean;
}

const KINDS: Record<string, { dtype: NpyDtype; bytes: number }> = {
  f2: { dtype: 'float16', bytes: 2 },
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 },
  i1: { dtype: 'int8', bytes: 1 },
  i2: { dtype: 'int16', bytes: 2 },
  i4: { dtype: 'int32', bytes: 4 },
  i8: { dtype: 'int64', bytes: 8 },
  u1: { dtype: 'uint8', bytes: 1 },
  u2: { dtype: 'uint16', bytes: 2 },
  u4: { dtype: 'uint32', bytes: 4 },
  u8: { dtype: 'uint64', bytes: 8 },
  b1: { dtype: 'bool', bytes: 1 },
};

const READABLE = 'ig reads float16/32/64, int8/16/32/64, uint8/16/32/64 and bool arrays, either byte order';

/** The kind a NumPy type string ('<f4', '>i2', '|u1', …) names; a typed error for what ig does not read. */
export function npyKind(descr: string): NpyKind {
  const order = descr[0] ?? '';
  const kind = '<>|='.includes(order) ? KINDS[descr.slice(1)] : undefined;
  if (kind) return { ...kind, bigEndian: order === '>' && kind.bytes > 1 };
  const shown = descr.slice(0, 40);
  if (/^[|<>=]?O$/.test(descr)) {
    throw new NpyFormatError(`holds Python objects (dtype '${shown}'), not numbers; save a numeric array, e.g. np.save(f, np.asarray(a, dtype=np.float32))`);
  }
  throw new NpyFormatError(`unsupported dtype '${shown}'; ${READABLE}`);
}

/** The values of `count` elements stored in `raw` (the file's bytes) as the typed array of their dtype. */
export function npyValues(raw: Uint8Array, kind: NpyKind, count: number): NpyData {
  // A copy: aligned, owning its memory (Buffer#subarray would share the pool), and ours to byte-swap.
  const bytes = new Uint8Array(raw.subarray(0, count * kind.bytes));
  if (kind.bigEndian) {
    for (let at = 0; at < bytes.length; at += kind.bytes) bytes.subarray(at, at + kind.bytes).reverse();
  }
  const buffer = bytes.buffer;
  switch (kind.dtype) {
    case 'float16':
      return Float32Array.from(new Uint16Array(buffer), float16ToNumber);
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int64':
      return new BigInt64Array(buffer);
    case 'uint16':
      return new Uint16Array(buffer);
    case 'uint32':
      return new Uint32Array(buffer);
    case 'uint64':
      return new BigUint64Array(buffer);
    default:
      return bytes;
  }
}

/** The same values in C order, from a Fortran-ordered (column-major) array of this shape. */
export function cOrderOf<T extends NpyData>(data: T, shape: readonly number[]): T {
  if (shape.length < 2) return data;
  const out = new (data.constructor as new (length: number) => T)(data.length);
  // Fortran strides: the first axis varies fastest.
  const strides = shape.map((_, axis) => shape.slice(0, axis).reduce((a, b) => a * b, 1));
  const index = shape.map(() => 0);
  for (let c = 0; c < data.length; c++) {
    let f = 0;
    for (let axis = 0; axis < shape.length; axis++) f += (index[axis] as number) * (strides[axis] as number);
    out[c] = data[f] as T[number];
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (shape[axis] as number)) break;
      index[axis] = 0;
    }
  }
  return out;
}
