import { describe, expect, it } from 'vitest';
import { float16ToNumber } from '../src/index.js';

describe('float16ToNumber', () => {
  it('reads the IEEE 754 binary16 values that bound each class', () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x3555)).toBe(0.333251953125);
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0x0400)).toBe(2 ** -14);
    expect(float16ToNumber(0x03ff)).toBe(1023 * 2 ** -24);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(Object.is(float16ToNumber(0x8000), -0)).toBe(true);
    expect(float16ToNumber(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(float16ToNumber(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(float16ToNumber(0x7e00)).toBeNaN();
  });
});
