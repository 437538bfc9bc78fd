import { describe, expect, it } from 'vitest';
import { renderHeatmap } from '../../src/visualize/index.js';
import type { RgbaImage } from '../../src/visualize/index.js';

const row = (values: number[]) => ({ data: Float32Array.from(values), shape: [1, values.length] });
const flat = (width: number, pixel: readonly number[]): RgbaImage => ({
  width,
  height: 1,
  data: new Uint8ClampedArray(Array.from({ length: width }, () => [...pixel, 255]).flat()),
});
/** The byte a value becomes in a Uint8ClampedArray (round half to even). */
const byte = (v: number): number => Uint8ClampedArray.of(v)[0] as number;

describe("renderHeatmap 'overlay'", () => {
  it('over a white image it is exactly heat_map for sign all (two linear segments of red-white-green)', () => {
    const values = [-3, -2, -0.7, 0, 0.4, 1.1, 2.5, 3];
    const options = { sign: 'all', outlierPercentile: 0 } as const;
    const overlay = renderHeatmap(row(values), { ...options, method: 'overlay', image: flat(values.length, [255, 255, 255]) });
    const heat = renderHeatmap(row(values), { ...options, method: 'heat_map' });
    expect(Array.from(overlay.data)).toEqual(Array.from(heat.data));
  });

  it('keeps the faded grey image where the attribution is 0 and shows the full end colour at the strongest', () => {
    // threshold with outlierPercentile 0: max |a| = 2 → normalized −1, 0, 0.5, 1
    const image: RgbaImage = { width: 4, height: 1, data: new Uint8ClampedArray([101, 101, 101, 255, 50, 100, 150, 255, 30, 60, 90, 255, 0, 0, 0, 255]) };
    const out = renderHeatmap(row([-2, 0, 1, 2]), { method: 'overlay', sign: 'all', outlierPercentile: 0, image });
    const fade = (gray: number): number => 255 - 0.5 * (255 - gray);
    // −1: pure red whatever the image
    expect(Array.from(out.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
    // 0: the mean of R, G, B (100), faded halfway to white: 177.5
    expect(Array.from(out.data.subarray(4, 8))).toEqual([byte(fade(100)), byte(fade(100)), byte(fade(100)), 255]);
    // 0.5: half of the faded grey of (30, 60, 90) = 60 and half of green #008000
    expect(Array.from(out.data.subarray(8, 12))).toEqual([byte(0.5 * fade(60)), byte(0.5 * fade(60) + 0.5 * 128), byte(0.5 * fade(60)), 255]);
    expect(Array.from(out.data.subarray(12, 16))).toEqual([0, 128, 0, 255]);
  });

  it('uses the darkest stop of a one-sided ramp, with alphaOverlay as the strongest opacity', () => {
    // absolute_value: |a| = 1, 0.5 over max 1; Blues' darkest stop is #08306b
    const out = renderHeatmap(row([-1, 0.5]), { method: 'overlay', outlierPercentile: 0, alphaOverlay: 0.8, image: flat(2, [255, 255, 255]) });
    const mix = (opacity: number, c: number): number => byte((1 - opacity) * 255 + opacity * c);
    expect(Array.from(out.data)).toEqual([mix(0.8, 8), mix(0.8, 48), mix(0.8, 107), 255, mix(0.4, 8), mix(0.4, 48), mix(0.4, 107), 255]);
  });

  it('is far more visible on a mid-grey photo than blended_heat_map: contrast of the strongest pixel against a zero pixel', () => {
    const image = flat(2, [128, 128, 128]);
    const options = { sign: 'all', outlierPercentile: 0, image } as const;
    const contrast = (method: 'overlay' | 'blended_heat_map'): number => {
      const d = renderHeatmap(row([0, 1]), { ...options, method }).data;
      return Math.hypot((d[4] as number) - (d[0] as number), (d[5] as number) - (d[1] as number), (d[6] as number) - (d[2] as number));
    };
    // blended: zero → 0.5·white + 0.5·128, strongest → 0.5·#008000 + 0.5·128;
    // overlay: zero → 128 faded halfway to white, strongest → #008000
    const blendedZero = byte(0.5 * 255 + 0.5 * 128);
    expect(contrast('blended_heat_map')).toBeCloseTo(Math.hypot(blendedZero - byte(64), blendedZero - byte(64 + 64), blendedZero - byte(64)), 6);
    const faded = byte(255 - 0.5 * (255 - 128));
    expect(contrast('overlay')).toBeCloseTo(Math.hypot(faded, faded - 128, faded), 6);
    expect(contrast('overlay') / contrast('blended_heat_map')).toBeGreaterThan(1.45);
  });
});
