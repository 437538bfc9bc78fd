import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import {
  combineChannels,
  heatmapScale,
  renderHeatmap,
  renderPanel,
  upscaleNearest,
  type Colormap,
  type HeatmapOptions,
  type RgbaImage,
} from '../../src/visualize/index.js';
import { expectRefusal } from '../helpers/refusal.js';

const square = { data: [1, 2, 3, 4], shape: [2, 2] };
const gray = (width: number, height: number): RgbaImage => ({ width, height, data: new Uint8ClampedArray(width * height * 4).fill(128) });
/** Options as JavaScript callers may write them, past the types. */
const loose = (options: Record<string, unknown>): HeatmapOptions => options as HeatmapOptions;

describe('heatmap and panel options that would crash or draw a blank map are refused', () => {
  it('a colormap given by an unknown name lists the known ones', async () => {
    await expectRefusal(
      () => renderHeatmap(square, loose({ colormap: 'viridis' })),
      InvalidOptionError,
      'colormap must be a Colormap { name, stops }: one of the exported RED_WHITE_GREEN (RdWhGn), GREENS (Greens), REDS (Reds), BLUES (Blues), or your own; got the string "viridis"',
    );
    const broken: Colormap = { name: 'mine', stops: [[0, 0, 0], [300, 0, 0] as const] };
    await expectRefusal(
      () => renderHeatmap(square, { colormap: broken }),
      InvalidOptionError,
      'colormap.stops[1] must be [r, g, b], each in 0–255, got [300,0,0]',
    );
  });

  it('outlierPercentile out of range reports the value given', async () => {
    await expectRefusal(() => renderHeatmap(square, { outlierPercentile: 150 }), InvalidOptionError, 'outlierPercentile must be a number in [0, 100], got 150');
  });

  it('scale 0 for a map with values to show, or a scale of the wrong sign for a one-sign map, is refused', async () => {
    await expectRefusal(
      () => renderHeatmap(square, { scale: 0 }),
      InvalidOptionError,
      "scale must not be 0: cannot normalize by a scale factor of 0 (Captum asserts the same), and the map has values to show for sign 'absolute_value'",
    );
    await expectRefusal(
      () => renderHeatmap(square, { scale: -1 }),
      InvalidOptionError,
      "scale -1 has the wrong sign for sign 'absolute_value': every value would normalize to 0 or below and the map would be blank; heatmapScale gives a positive divisor for it",
    );
    await expectRefusal(
      () => renderHeatmap(square, { scale: 1, sign: 'negative' }),
      InvalidOptionError,
      "scale 1 has the wrong sign for sign 'negative': every value would normalize to 0 or below and the map would be blank; heatmapScale gives a negative divisor for it",
    );
  });

  it('scale 0 shared by maps with nothing to show (heatmapScale of them) draws them blank', () => {
    const nothingPositive = { data: [-1, 0, -2, 0], shape: [2, 2] };
    const shared = heatmapScale([combineChannels(nothingPositive), combineChannels(square)], 'negative');
    expect(shared).toBe(-2); // −1, −2 kept from the first map: Captum's threshold at 98% of the mass is 2
    expect(heatmapScale(combineChannels(nothingPositive), 'positive')).toBe(0);
    const blank = renderHeatmap(nothingPositive, { sign: 'positive', scale: 0 });
    // Every pixel the first Greens stop, #f7fcf5.
    expect(Array.from(blank.data)).toEqual(new Array<number[]>(4).fill([247, 252, 245, 255]).flat());
  });

  it('a negative scale for sign negative draws the Reds ramp at −value / −scale', () => {
    // −2 / −4 = 0.5: the middle Reds stop #fb6a4a; −4 / −4 = 1: the last, #67000d.
    const out = renderHeatmap({ data: [-2, -4], shape: [1, 2] }, { sign: 'negative', scale: -4 });
    expect(Array.from(out.data)).toEqual([251, 106, 74, 255, 103, 0, 13, 255]);
  });

  it('renderPanel without options, or with an upscale past a canvas, names what is wrong', async () => {
    const call = renderPanel as (...args: unknown[]) => unknown;
    await expectRefusal(() => call(square), InvalidOptionError, 'renderPanel needs the explained image: renderPanel(attributions, { image })');
    await expectRefusal(
      () => renderPanel(square, { image: gray(2, 2), upscale: 1e6 }),
      InvalidOptionError,
      'upscale 1000000 makes 3 pictures of 2×2 side by side 6000000×2000000 pixels, beyond the 16384-pixel side of a canvas; the largest upscale here is 2730',
    );
    await expectRefusal(
      () => upscaleNearest(gray(2, 2), 1e5),
      InvalidOptionError,
      'upscale 100000 makes a 2×2 picture 200000×200000 pixels, beyond the 16384-pixel side of a canvas; the largest upscale here is 8192',
    );
  });

  it('renderPanel scales a wide map up by default only as far as a canvas holds, and copies a picture at factor 1', () => {
    // One row of 2000: the readable factor 224 would make the panel 1 344 000 px wide; 16384 / 6000 = 2.
    const wide = renderPanel({ data: new Array<number>(2000).fill(1), shape: [1, 2000] }, { image: gray(2000, 1) });
    expect(wide.upscale).toBe(2);
    const wider = renderPanel({ data: new Array<number>(6000).fill(1), shape: [1, 6000] }, { image: gray(6000, 1) });
    expect(wider.upscale).toBe(1);
    expect(upscaleNearest(gray(20_000, 1), 1).width).toBe(20_000);
  });

  it('renderPanel of a map with nothing to show still draws it, blank, on a bar from 0 to 0', () => {
    const panel = renderPanel({ data: [0, 0, 0, 0], shape: [2, 2] }, { image: gray(2, 2), upscale: 2 });
    expect([Math.abs(panel.bar.low), Math.abs(panel.bar.high)]).toEqual([0, 0]);
    expect(panel.upscale).toBe(2);
  });
});
