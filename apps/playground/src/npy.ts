/** Reading float32 .npy samples and writing attributions as .npy (NumPy format version 1.0). */
import { ModelInputError } from './errors.js';

export function parseFloat32Npy(buffer: ArrayBuffer, name: string): { data: Float32Array; shape: number[] } {
  const bytes = new Uint8Array(buffer);
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') throw new ModelInputError(`${name} is not a .npy file`);
  const major = bytes[6] as number;
  const headerLength = major === 1 ? new DataView(buffer).getUint16(8, true) : new DataView(buffer).getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  if (!/'descr':\s*'<f4'/.test(header)) throw new ModelInputError(`${name} must hold little-endian float32 ('<f4'): ${header.trim()}`);
  if (/'fortran_order':\s*True/.test(header)) throw new ModelInputError(`${name} is in Fortran order; save it in C order`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '';
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  if (buffer.byteLength - offset < count * 4) throw new ModelInputError(`${name} is truncated: shape (${shape.join(', ')}) needs ${count * 4} bytes of data`);
  return { data: new Float32Array(buffer.slice(offset, offset + count * 4)), shape };
}

export function formatFloat32Npy(data: Float32Array, shape: readonly number[]): Uint8Array<ArrayBuffer> {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
