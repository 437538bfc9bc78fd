import { readFileSync } from 'node:fs';

/** Reads a little-endian float32 .npy file (C order) as data and shape. */
export function readNpy(path: string): { data: Float32Array; shape: number[] } {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path} is not a .npy file`);
  const major = bytes[6] as number;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  if (!header.includes("'<f4'")) throw new Error(`${path}: only little-endian float32 is supported (${header})`);
  if (header.includes("'fortran_order': True")) throw new Error(`${path}: Fortran order is not supported`);
  const shapeText = /'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const offset = headerStart + headerLength;
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + bytes.length));
  return { data, shape };
}
