import { describe, expect, it } from 'vitest';
import { readableScale, upscaleNearest } from '../../src/visualize/index.js';
import { InvalidOptionError, ShapeMismatchError } from '../../src/errors.js';

describe('readableScale', () => {
  it('is the smallest whole factor that brings the short side to 224 px', () => {
    expect(readableScale(28, 28)).toBe(8); // 7 × 28 = 196 < 224 = 8 × 28
    expect(readableScale(100, 50)).toBe(5); // short side 50: 4 × 50 = 200, 5 × 50 = 250
    expect(readableScale(12, 12)).toBe(19); // 18 × 12 = 216, 19 × 12 = 228
    expect(readableScale(224, 600)).toBe(1);
    expect(readableScale(512, 600)).toBe(1);
    expect(readableScale(28, 28, 56)).toBe(2);
  });
  it('refuses sizes and targets that are not positive', () => {
    expect(() => readableScale(0, 28)).toThrow(InvalidOptionError);
    expect(() => readableScale(28, 28, 0)).toThrow(/minShortSide/);
  });
});

describe('upscaleNearest', () => {
  const width = 3;
  const height = 2;
  const image = { width, height, data: new Uint8ClampedArray(Array.from({ length: width * height * 4 }, (_, i) => (i * 37) % 256)) };

  it('replicates every pixel into a factor × factor block, alpha included', () => {
    const factor = 4;
    const out = upscaleNearest(image, factor);
    expect([out.width, out.height]).toEqual([12, 8]);
    for (let y = 0; y < out.height; y++) {
      for (let x = 0; x < out.width; x++) {
        const source = (Math.floor(y / factor) * width + Math.floor(x / factor)) * 4;
        expect(Array.from(out.data.subarray((y * out.width + x) * 4, (y * out.width + x) * 4 + 4))).toEqual(
          Array.from(image.data.subarray(source, source + 4)),
        );
      }
    }
  });
  it('factor 1 is a copy', () => {
    const out = upscaleNearest(image, 1);
    expect(Array.from(out.data)).toEqual(Array.from(image.data));
    expect(out.data).not.toBe(image.data);
  });
  it('refuses a factor that is not a whole number ≥ 1 and data of the wrong length', () => {
    expect(() => upscaleNearest(image, 0)).toThrow(InvalidOptionError);
    expect(() => upscaleNearest(image, 1.5)).toThrow(/whole number/);
    expect(() => upscaleNearest({ width: 2, height: 2, data: new Uint8ClampedArray(12) }, 2)).toThrow(ShapeMismatchError);
  });
});
