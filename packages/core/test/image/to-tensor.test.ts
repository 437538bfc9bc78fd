import { describe, expect, it } from 'vitest';
import { greyImage, imageToTensor } from '../../src/index.js';

const rgba = (width: number, height: number, pixel: (x: number) => number[]) => {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let x = 0; x < width * height; x++) data.set(pixel(x), x * 4);
  return { width, height, data };
};

describe('imageToTensor', () => {
  const image = rgba(2, 1, (x) => (x === 0 ? [255, 0, 51, 255] : [0, 255, 102, 255]));

  it('maps pixels to (p/255 − mean)/std per channel in NCHW', () => {
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const nchw = imageToTensor(image, { channels: 3, layout: 'nchw', mean, std });
    expect(nchw.shape).toEqual([1, 3, 1, 2]);
    const expected = [(1 - 0.485) / 0.229, (0 - 0.485) / 0.229, (0 - 0.456) / 0.224, (1 - 0.456) / 0.224, (0.2 - 0.406) / 0.225, (0.4 - 0.406) / 0.225];
    // float32 rounding of values up to 2.4: measured ≤ 1.0e-7
    nchw.data.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(5e-7));
  });

  it('orders channels last in NHWC', () => {
    const nhwc = imageToTensor(image, { channels: 3, layout: 'nhwc', mean: [0, 0, 0], std: [1, 1, 1] });
    expect(nhwc.shape).toEqual([1, 1, 2, 3]);
    const expected = [1, 0, 0.2, 0, 1, 0.4];
    nhwc.data.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(3e-8));
  });

  it('gives one channel the BT.601 luminance, as greyImage draws it', () => {
    const grey = imageToTensor(image, { channels: 1, layout: 'nhwc', mean: [0], std: [1] });
    expect(grey.shape).toEqual([1, 1, 2, 1]);
    // float32 rounding of 0.32: measured 6.5e-9
    expect(Math.abs((grey.data[0] as number) - (0.299 + 0.114 * 0.2))).toBeLessThan(3e-8);
    const drawn = greyImage(image);
    expect(Array.from(drawn.data.subarray(0, 4))).toEqual([82, 82, 82, 255]); // 0.299 · 255 + 0.114 · 51 = 82.06
    expect(Math.abs((drawn.data[4] as number) / 255 - (grey.data[1] as number))).toBeLessThan(0.5 / 255);
  });
});
