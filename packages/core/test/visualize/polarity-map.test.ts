import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { componentOutlines, linearTransform, morphologicalCleanup, POLARITIES, renderPolarityMap, topPercentageThreshold } from '../../src/visualize/index.js';

const grid = (rows: string[]) => Float64Array.from(rows.join('').split(''), Number);

describe('topPercentageThreshold and linearTransform', () => {
  it('finds where the largest values first hold the percentage of the mass', () => {
    // 4, 3, 2, 1: total 10; the running share is 40%, 70%, 90%, 100%
    const v = Float64Array.from([1, 3, 2, 4]);
    expect(topPercentageThreshold(v, 60)).toBe(3);
    expect(topPercentageThreshold(v, 90)).toBe(2);
    expect(topPercentageThreshold(v, 100)).toBe(1);
    expect(topPercentageThreshold(v, 0)).toBe(4);
  });
  it('maps the clip-below threshold to lowerEnd and the clip-above one to 1', () => {
    // top = threshold(100 − 80 = 20%) = 4, bottom = threshold(100 − 10 = 90%) = 2
    const t = linearTransform(Float64Array.from([1, 3, 2, 4]), 80, 10, 0.2);
    // (1 − 0.2)(v − 2)/(4 − 2) + 0.2: 1 → −0.2 (dropped), 3 → 0.6, 2 → 0.2, 4 → 1
    expect(Array.from(t).map((x) => Number(x.toFixed(12)))).toEqual([0, 0.6, 0.2, 1]);
  });
});

describe('renderPolarityMap', () => {
  it('both polarities: positive in green, negative in red, on a black background', () => {
    // positive magnitudes 2, 0, 1, 0 → 1, 0, 0.5, 0; negative 0, 1, 0, 0 → 0, 1, 0, 0
    const out = renderPolarityMap({ data: [2, -1, 1, 0], shape: [1, 4] }, { polarity: 'both', clipAbovePercentile: 100 });
    expect(Array.from(out.data)).toEqual([0, 255, 0, 255, 255, 0, 0, 255, 0, 128, 0, 255, 0, 0, 0, 255]);
  });
  it('POLARITIES are the polarities it draws: green for positive, red for negative; others are refused', () => {
    const values = { data: [2, -1], shape: [1, 2] };
    const pixels = POLARITIES.map((polarity) => Array.from(renderPolarityMap(values, { polarity, clipAbovePercentile: 100 }).data));
    // [positive pixel, negative pixel] as RGBA: positive is green at 2, negative red at −1
    expect(pixels).toEqual([
      [0, 255, 0, 255, 0, 0, 0, 255],
      [0, 0, 0, 255, 255, 0, 0, 255],
      [0, 255, 0, 255, 255, 0, 0, 255],
    ]);
    expect(() => renderPolarityMap(values, { polarity: 'all' as never })).toThrow(InvalidOptionError);
  });
  it('overlays 0.7 × image + 0.5 × color, or masks the image', () => {
    const image = { width: 2, height: 1, data: new Uint8ClampedArray([100, 100, 100, 255, 100, 100, 100, 255]) };
    const over = renderPolarityMap({ data: [2, 0], shape: [1, 2] }, { clipAbovePercentile: 100, image });
    expect(Array.from(over.data)).toEqual([70, 197.5, 70, 255, 70, 70, 70, 255].map((v) => Math.round(v)));
    // magnitudes 2, 1, 0: the smallest (0) maps to 0 and the largest to 1
    const image3 = { width: 3, height: 1, data: new Uint8ClampedArray([100, 100, 100, 255, 100, 100, 100, 255, 100, 100, 100, 255]) };
    const masked = renderPolarityMap({ data: [2, 1, 0], shape: [1, 3] }, { clipAbovePercentile: 100, image: image3, maskMode: true });
    expect(Array.from(masked.data)).toEqual([100, 100, 100, 255, 50, 50, 50, 255, 0, 0, 0, 255]);
  });
  it('morphological cleanup removes an isolated speck and keeps a 3×3 blob', () => {
    const speck = grid(['00000', '00000', '00100', '00000', '00000']);
    expect(Array.from(morphologicalCleanup(speck, 5, 5, 3)).every((v) => v === 0)).toBe(true);
    const blob = grid(['0000000', '0000000', '0011100', '0011100', '0011100', '0000000', '0000000']);
    expect(Array.from(morphologicalCleanup(blob, 7, 7, 3))).toEqual(Array.from(blob));
  });
  it('outlines the border of the strongest component, holes filled', () => {
    const ring = grid(['0000000', '0111110', '0101010', '0111110', '0000000', '0000001', '0000000']);
    const outline = componentOutlines(ring, 7, 7, 90);
    // the weak corner pixel is not kept; the holes inside the ring are filled, so the middle
    // column pixel (2, 3) of the 3-high block is interior and not part of the outline
    expect(Array.from(outline).join('')).toBe(['0000000', '0111110', '0100010', '0111110', '0000000', '0000000', '0000000'].join(''));
  });
});
