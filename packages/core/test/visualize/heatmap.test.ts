import { describe, expect, it } from 'vitest';
import { renderHeatmap } from '../../src/visualize/index.js';
import type { RgbaImage } from '../../src/visualize/index.js';
import { InvalidOptionError, ShapeMismatchError } from '../../src/errors.js';

const row = (values: number[]) => ({ data: Float32Array.from(values), shape: [1, values.length] });
const rgba = (pixels: number[][]) => Array.from(new Uint8ClampedArray(pixels.flatMap((p) => (p.length === 3 ? [...p, 255] : p))));
const imageOf = (pixels: number[][]): RgbaImage => ({ width: pixels.length, height: 1, data: new Uint8ClampedArray(pixels.flatMap((p) => [...p, 255])) });

describe('renderHeatmap heat_map', () => {
  it('sign all: red at −1, white at 0, green (#008000) at +1', () => {
    // |a| sorted 0, 1, 1: threshold at 100% is 1
    const out = renderHeatmap(row([-1, 0, 1]), { sign: 'all', outlierPercentile: 0 });
    expect(out).toMatchObject({ width: 3, height: 1 });
    expect(Array.from(out.data)).toEqual(
      rgba([
        [255, 0, 0],
        [255, 255, 255],
        [0, 128, 0],
      ]),
    );
  });
  it('sign positive uses the Greens ramp from 0 to 1', () => {
    // kept 0, 0, 0.5, 1 → threshold 1; 0.5 is the middle ColorBrewer stop #74c476
    const out = renderHeatmap(row([-1, 0, 0.5, 1]), { sign: 'positive', outlierPercentile: 0 });
    expect(Array.from(out.data)).toEqual(
      rgba([
        [247, 252, 245],
        [247, 252, 245],
        [116, 196, 118],
        [0, 68, 27],
      ]),
    );
  });
  it('sign negative uses the Reds ramp on the magnitude of negatives', () => {
    // kept −2, −1, 0, 0 → scale −2 → 1, 0.5, 0, 0
    const out = renderHeatmap(row([-2, -1, 0, 1]), { sign: 'negative', outlierPercentile: 0 });
    expect(Array.from(out.data)).toEqual(
      rgba([
        [103, 0, 13],
        [251, 106, 74],
        [255, 245, 240],
        [255, 245, 240],
      ]),
    );
  });
  it('sign absolute_value (the default) uses the Blues ramp', () => {
    // |a| = 2, 1, 0, 2 → sorted 0, 1, 2, 2 → threshold 2 → 1, 0.5, 0, 1
    const out = renderHeatmap(row([-2, 1, 0, 2]), { outlierPercentile: 0 });
    expect(Array.from(out.data)).toEqual(
      rgba([
        [8, 48, 107],
        [107, 174, 214],
        [247, 251, 255],
        [8, 48, 107],
      ]),
    );
  });
  it('sums the channels of a CHW map before coloring', () => {
    // channel sums: 1 + (−2) = −1, 0 + 0 = 0, 0.25 + 0.75 = 1
    const out = renderHeatmap({ data: Float32Array.from([1, 0, 0.25, -2, 0, 0.75]), shape: [2, 1, 3] }, { sign: 'all', outlierPercentile: 0, layout: 'chw' });
    expect(Array.from(out.data)).toEqual(
      rgba([
        [255, 0, 0],
        [255, 255, 255],
        [0, 128, 0],
      ]),
    );
  });
});

describe('renderHeatmap with the image', () => {
  it('blended_heat_map mixes the grayscale image with the heatmap at alphaOverlay', () => {
    // gray of (30, 60, 93) is 61; white heat at 0: 0.5·61 + 0.5·255 = 158; red at −1: 0.5·61 + 0.5·(255, 0, 0)
    const out = renderHeatmap(row([0, -1]), {
      method: 'blended_heat_map',
      sign: 'all',
      outlierPercentile: 0,
      image: imageOf([
        [30, 60, 93],
        [30, 60, 93],
      ]),
    });
    expect(Array.from(out.data)).toEqual(
      rgba([
        [158, 158, 158],
        [158, 30.5, 30.5],
      ]),
    );
  });
  it('masked_image multiplies the image by the normalized map', () => {
    // 1, 4 → threshold 4 → 0.25, 1
    const out = renderHeatmap(row([1, 4]), {
      method: 'masked_image',
      sign: 'positive',
      outlierPercentile: 0,
      image: imageOf([
        [200, 100, 40],
        [200, 100, 40],
      ]),
    });
    expect(Array.from(out.data)).toEqual(
      rgba([
        [50, 25, 10],
        [200, 100, 40],
      ]),
    );
  });
  it('alpha_scaling keeps the image and puts the map in the alpha channel', () => {
    const out = renderHeatmap(row([1, 4]), {
      method: 'alpha_scaling',
      sign: 'positive',
      outlierPercentile: 0,
      image: imageOf([
        [200, 100, 40],
        [9, 8, 7],
      ]),
    });
    expect(Array.from(out.data)).toEqual(
      rgba([
        [200, 100, 40, 63.75],
        [9, 8, 7, 255],
      ]),
    );
  });
  it('rejects what Captum rejects, and mismatched images', () => {
    const image = imageOf([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => renderHeatmap(row([1, 4]), { method: 'masked_image', sign: 'all', image })).toThrow(InvalidOptionError);
    expect(() => renderHeatmap(row([1, 4]), { method: 'alpha_scaling' })).toThrow(/needs the original image/);
    expect(() => renderHeatmap(row([1, 4, 5]), { method: 'blended_heat_map', image })).toThrow(ShapeMismatchError);
  });
  it('two maps drawn on a shared scale stay comparable', () => {
    const weak = renderHeatmap(row([1, 2]), { outlierPercentile: 0, scale: 4 });
    const alone = renderHeatmap(row([1, 2]), { outlierPercentile: 0 });
    // on its own, 2 is the top of the ramp; on the shared scale it is half way (#6baed6)
    expect(Array.from(alone.data.slice(4, 8))).toEqual([8, 48, 107, 255]);
    expect(Array.from(weak.data.slice(4, 8))).toEqual([107, 174, 214, 255]);
  });
});
