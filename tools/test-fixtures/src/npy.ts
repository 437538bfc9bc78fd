import { readFileSync } from 'node:fs';

/** A .npy array as float32 values and its shape. */
export interface NpyArray {
  readonly data: Float32Array;
  readonly shape: number[];
}

/**
 * Reads a C-order little-endian float32 or int64 .npy file (header version 1, 2 or 3); int64
 * values come back as float32. Anything else throws, naming the file and what it holds.
 */
export function readNpy(path: string): NpyArray {
  const bytes = readFileSync(path);
  if (bytes.length < 10 || bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path} is not a .npy file`);
  const major = bytes[6] as number;
  const headerStart = major === 1 ? 10 : 12;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order is not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error(`${path}: no shape in the header ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(headerStart + headerLength);
  const width = descr === '<f4' ? 4 : descr === '<i8' ? 8 : 0;
  if (width === 0) throw new Error(`${path}: dtype ${String(descr)} is not supported (little-endian float32 or int64 only)`);
  if (body.length !== count * width) throw new Error(`${path}: ${body.length} data bytes for shape [${shape.join(', ')}] of ${descr}`);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = width === 4 ? body.readFloatLE(i * 4) : Number(body.readBigInt64LE(i * 8));
  return { data, shape };
}
