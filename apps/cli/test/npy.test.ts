import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captumPath } from '@ig/test-fixtures';
import { formatNpy, NpyFormatError, parseNpy, toFloat32 } from '../src/npy.js';
import { fixture } from './helpers.js';

const file = (name: string): Buffer => readFileSync(fixture('npy', name));

describe('.npy files written by NumPy', () => {
  it('reads float64 [2, 3] and writes the byte-identical file', () => {
    const array = parseNpy(file('float64_2x3.npy'));
    expect(array).toMatchObject({ dtype: 'float64', shape: [2, 3] });
    expect(Array.from(array.data as Float64Array)).toEqual([1.5, -2.25, 3, 1e-3, 0, -7]);
    expect(Buffer.from(formatNpy(array.data as Float64Array, [2, 3])).equals(file('float64_2x3.npy'))).toBe(true);
  });
  it('reads int64 and writes it back identically', () => {
    const array = parseNpy(file('int64_4.npy'));
    expect(array.dtype).toBe('int64');
    expect(Array.from(array.data as BigInt64Array)).toEqual([0n, -1n, 7n, 123456789n]);
    expect(Array.from(toFloat32(array))).toEqual([0, -1, 7, 123456792]); // nearest float32
    expect(Buffer.from(formatNpy(array.data as BigInt64Array, [4])).equals(file('int64_4.npy'))).toBe(true);
  });
  it('reads float32 Captum arrays, version 2 headers, uint8 and scalars', () => {
    const attr = parseNpy(readFileSync(captumPath('data', 'small_cnn', 'input0.npy')));
    expect(attr).toMatchObject({ dtype: 'float32', shape: [1, 1, 28, 28] });
    expect(attr.data.length).toBe(784);
    expect(Array.from(toFloat32(parseNpy(file('float32_v2.npy'))))).toEqual([1, 2]);
    expect(Array.from(parseNpy(file('uint8_3.npy')).data as Uint8Array)).toEqual([0, 128, 255]);
    expect(parseNpy(file('float32_scalar.npy'))).toMatchObject({ shape: [] });
  });
  it('reads Fortran order into C order and big-endian values (NumPy: [[0, 1, 2], [3, 4, 5]] and [1, 2])', () => {
    expect(parseNpy(file('float32_fortran.npy'))).toMatchObject({ dtype: 'float32', shape: [2, 3] });
    expect(Array.from(toFloat32(parseNpy(file('float32_fortran.npy'))))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(toFloat32(parseNpy(file('big_endian_f4.npy'))))).toEqual([1, 2]);
  });
  it('round-trips float32 with a 64-byte aligned header', () => {
    const data = Float32Array.from([0.1, -2, 3e-8]);
    const bytes = formatNpy(data, [1, 3]);
    expect((bytes[8] as number) + 256 * (bytes[9] as number) + 10).toBe(128);
    expect(new TextDecoder().decode(bytes.subarray(10, 128))).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(1, 3\), \} *\n$/);
    const back = parseNpy(bytes);
    expect(back.shape).toEqual([1, 3]);
    expect(Array.from(back.data as Float32Array)).toEqual(Array.from(data));
  });
  it('rejects what it cannot read with a reason', () => {
    expect(() => parseNpy(file('float32_fortran.npy').subarray(0, 140))).toThrow(/truncated data/);
    expect(() => parseNpy(file('big_endian_f4.npy').subarray(0, 20))).toThrow(/truncated \.npy header/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toThrow(NpyFormatError);
    expect(() => parseNpy(file('float64_2x3.npy').subarray(0, 150))).toThrow(/truncated data/);
    expect(() => formatNpy(new Float32Array(3), [2, 2])).toThrow(/holds 4 values but data has 3/);
  });
});
