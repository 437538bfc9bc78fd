import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NORMALIZATION_PRESETS } from '../src/image.js';
import { loadInput } from '../src/inputs.js';
import { formatNpy, NpyFormatError, parseNpy, toFloat32 } from '../src/npy.js';
import { readNpzArray } from '../src/npz.js';
import { fixture, tempDir } from './helpers.js';

/* Written by test/fixtures/files/make_files.py with NumPy: one float32 [1, 3, 12, 20] array x of quarter-integers in [0, 16), saved in many dtypes and layouts. */
const file = (name: string): Buffer => readFileSync(fixture('files', name));
const x = toFloat32(parseNpy(file('x_f4.npy')));

describe('.npy dtypes, byte orders, memory orders and format versions NumPy writes', () => {
  it('x_f4.npy is the float32 [1, 3, 12, 20] array the others are compared with', () => {
    expect(parseNpy(file('x_f4.npy')).shape).toEqual([1, 3, 12, 20]);
    expect(x.every((v) => Number.isInteger(v * 4) && v >= 0 && v < 16)).toBe(true);
    expect(new Set(x).size).toBeGreaterThan(40);
  });

  it.each([
    ['x_be_f4.npy', 'float32'],
    ['x_f8.npy', 'float64'],
    ['x_f2.npy', 'float16'],
    ['x_fortran.npy', 'float32'],
    ['x_v2.npy', 'float32'],
    ['x_v3.npy', 'float32'],
  ])('%s (%s) holds the same values in C order', (name, dtype) => {
    const array = parseNpy(file(name));
    expect(array).toMatchObject({ dtype, shape: [1, 3, 12, 20] });
    expect(Array.from(toFloat32(array))).toEqual(Array.from(x));
  });

  it.each([
    ['x4_i1.npy', 'int8'],
    ['x4_i2.npy', 'int16'],
    ['x4_i4.npy', 'int32'],
    ['x4_u1.npy', 'uint8'],
    ['x4_u2.npy', 'uint16'],
    ['x4_u4.npy', 'uint32'],
    ['x4_be_u2.npy', 'uint16'],
    ['x4_be_i4.npy', 'int32'],
    ['x4_be_f8.npy', 'float64'],
    ['x_be_fortran_i2.npy', 'int16'],
  ])('%s (%s) holds 4·x', (name, dtype) => {
    const array = parseNpy(file(name));
    expect(array).toMatchObject({ dtype, shape: [1, 3, 12, 20] });
    expect(Array.from(toFloat32(array))).toEqual(Array.from(x, (v) => 4 * v));
  });

  it('float16 specials: subnormals, infinities and NaN', () => {
    const header = "{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }";
    const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
    const bytes = new Uint8Array(128 + 10);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    bytes.set(new TextEncoder().encode(padded), 10);
    new Uint16Array(bytes.buffer, 128, 5).set([0x0001, 0x8400, 0x7c00, 0xfc00, 0x7e00]);
    expect(Array.from(toFloat32(parseNpy(bytes)))).toEqual([2 ** -24, -(2 ** -14), Infinity, -Infinity, NaN]);
  });

  it('an empty file says so', () => {
    expect(() => parseNpy(new Uint8Array(0))).toThrow('is empty (0 bytes), not a .npy file');
  });

  it('refuses object and structured arrays with what to save instead', () => {
    expect(() => parseNpy(file('objects.npy'))).toThrow(NpyFormatError);
    expect(() => parseNpy(file('objects.npy'))).toThrow(
      "holds Python objects (dtype '|O'), not numbers; save a numeric array, e.g. np.save(f, np.asarray(a, dtype=np.float32))",
    );
    const structured = Buffer.from(file('x_f4.npy'));
    structured.write("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }", 10, 'latin1');
    expect(() => parseNpy(structured)).toThrow(/holds a structured array \(fields\)/);
    expect(() => parseNpy(Buffer.from(file('x_f4.npy').toString('latin1').replace('<f4', '<c8'), 'latin1'))).toThrow(
      "unsupported dtype '<c8'; ig reads float16/32/64, int8/16/32/64, uint8/16/32/64 and bool arrays, either byte order",
    );
  });
});

describe('.npy shapes against the model input [?, 3, 12, 20]', () => {
  const settings = { size: null, layout: null, normalization: NORMALIZATION_PRESETS['none'] as { mean: number[]; std: number[] }, channels: null };
  it('a missing batch axis is added and one leading axis of 1 too many is dropped, each recorded as a step', () => {
    const missing = loadInput(fixture('files', 'x_nobatch.npy'), settings, [null, 3, 12, 20]);
    expect(missing.preprocessing?.steps).toEqual([{ op: 'add-batch-axis', from: [3, 12, 20], to: [1, 3, 12, 20] }]);
    const extra = join(tempDir('npy-shapes'), 'extra.npy');
    writeFileSync(extra, formatNpy(x, [1, 1, 3, 12, 20]));
    const dropped = loadInput(extra, settings, [null, 3, 12, 20]);
    expect(dropped.tensor.shape).toEqual([1, 3, 12, 20]);
    expect(Array.from(dropped.tensor.data)).toEqual(Array.from(x));
    expect(dropped.preprocessing?.steps).toEqual([{ op: 'drop-leading-axis', from: [1, 1, 3, 12, 20], to: [1, 3, 12, 20] }]);
    writeFileSync(extra, formatNpy(x, [3, 1, 1, 12, 20]));
    expect(() => loadInput(extra, settings, [null, 3, 12, 20])).toThrow(
      `input ${extra} has shape [3, 1, 1, 12, 20] but the model takes [?, 3, 12, 20]; reshape or resize the input`,
    );
  });
});

describe('.npz archives', () => {
  it('one array, stored, deflated or in a zip64 entry, reads as x; its size is checked before it is inflated; a cut archive is named', () => {
    for (const name of ['x.npz', 'x_compressed.npz', 'x_zip64.npz']) {
      const array = readNpzArray(file(name), name, 2 ** 20);
      expect(array.shape).toEqual([1, 3, 12, 20]);
      expect(Array.from(toFloat32(array))).toEqual(Array.from(x));
    }
    expect(() => readNpzArray(file('x_compressed.npz'), 'c.npz', 1000)).toThrow(
      'c.npz: array x.npy is 3008 bytes, above the limit of 1000; raise --max-input-mib if you mean it',
    );
    expect(() => readNpzArray(file('x.npz').subarray(0, 500), 'cut.npz', 2 ** 20)).toThrow(
      'cut.npz: is not a readable .npz (no readable zip directory: truncated, or not a zip archive)',
    );
    const damaged = file('x_compressed.npz').slice();
    damaged[100] = (damaged[100] as number) ^ 0xff;
    expect(() => readNpzArray(damaged, 'damaged.npz', 2 ** 20)).toThrow(
      'damaged.npz: is not a readable .npz (a member cannot be decompressed: invalid length/literal)',
    );
  });
});
