import { readFileSync } from 'node:fs';

export interface NpyArray {
  readonly data: Float32Array;
  readonly shape: number[];
}

/** Reads a little-endian float32 or int64 C-order .npy file (version 1 or 2 header). */
export function readNpy(path: string): NpyArray {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path} is not a .npy file`);
  const major = bytes[6] as number;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order is not supported`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const body = bytes.subarray(headerStart + headerLength);
  const count = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  if (descr === '<f4') {
    for (let i = 0; i < count; i++) data[i] = body.readFloatLE(i * 4);
  } else if (descr === '<i8') {
    for (let i = 0; i < count; i++) data[i] = Number(body.readBigInt64LE(i * 8));
  } else {
    throw new Error(`${path}: dtype ${String(descr)} is not supported`);
  }
  return { data, shape };
}
