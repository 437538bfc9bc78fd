import { describe, expect, it } from 'vitest';
import { drawText, formatBarValue, panelLayout, renderHeatmap, renderPanel, upscaleNearest } from '../../src/visualize/index.js';
import type { RgbaImage } from '../../src/visualize/index.js';
import { InvalidOptionError } from '../../src/errors.js';

const W = 4;
const H = 3;
// max |a| = 4, so with outlierPercentile 0 the map saturates at ±4
const attributions = { data: Float32Array.from([4, -1, 0, 2, -4, 0.5, 1, 0, 3, -2, 0, -0.5]), shape: [H, W] };
const image: RgbaImage = {
  width: W,
  height: H,
  data: new Uint8ClampedArray(Array.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 29) % 256))),
};

function region(panel: RgbaImage, x: number, y: number, width: number, height: number): number[] {
  const out: number[] = [];
  for (let row = y; row < y + height; row++) out.push(...panel.data.subarray((row * panel.width + x) * 4, (row * panel.width + x + width) * 4));
  return out;
}

describe('renderPanel', () => {
  const options = { image, sign: 'all', outlierPercentile: 0, upscale: 8, textSize: 1, title: 'T' } as const;
  const panel = renderPanel(attributions, options);

  it('lays out title, captions, three 8× pictures and the colour bar at the computed offsets', () => {
    // margin 6, gap 4, line 8 + 3; title at y 6; captions at 6 + 11 + 4 = 21; pictures at 21 + 11 = 32
    const { layout } = panel;
    expect(layout.title).toEqual([{ text: 'T', x: 6, y: 6 }]);
    expect(layout.parts).toEqual([0, 1, 2].map((k) => ({ x: 6 + k * (32 + 4), y: 32, width: 32, height: 24 })));
    // bar: two gaps after the overlay (78 + 32 + 8), 5 px wide, as high as the pictures
    expect(layout.bar).toEqual({ x: 118, y: 32, width: 5, height: 24 });
    // labels 4, 0, −4 a gap right of the bar, centred on rows 0, 12 (11.5 rounded) and 23 of the bar, kept inside it
    expect(layout.barLabels).toEqual([
      { text: '4', x: 127, y: 32 },
      { text: '0', x: 127, y: 32 + 12 - 4 },
      { text: '-4', x: 127, y: 32 + 24 - 8 },
    ]);
    // captions centred over their picture: 'input' is 29 px wide, 'attribution' (65) and 'overlay' (41) are wider
    expect(layout.captions.map((c) => [c.text, c.x, c.y])).toEqual([
      ['input', 7, 21],
      ['attribution', 42, 21],
      ['overlay', 78, 21],
    ]);
    // width: the label '-4' (11 px) ends at 138, plus the margin
    expect([panel.image.width, panel.image.height]).toEqual([144, 32 + 24 + 6]);
    expect(panel.upscale).toBe(8);
  });

  it('holds exactly the upscaled input, heat_map and overlay, the colour bar, the text, and white elsewhere', () => {
    const common = { sign: 'all', outlierPercentile: 0 } as const;
    const parts = [
      image,
      renderHeatmap(attributions, { ...common, method: 'heat_map' }),
      renderHeatmap(attributions, { ...common, method: 'overlay', image }),
    ].map((p) => upscaleNearest(p, 8));
    parts.forEach((part, k) => expect(region(panel.image, 6 + 36 * k, 32, 32, 24)).toEqual(Array.from(part.data)));
    const expected = { width: 144, height: 62, data: new Uint8ClampedArray(144 * 62 * 4).fill(255) };
    parts.forEach((part, k) => {
      for (let row = 0; row < 24; row++) expected.data.set(part.data.subarray(row * 128, row * 128 + 128), ((32 + row) * 144 + 6 + 36 * k) * 4);
    });
    // the bar, row by row: the colour map from t = 1 at the top to t = 0 at the bottom
    for (let row = 0; row < 24; row++) {
      const t = 1 - row / 23;
      const [r, g, b] = t >= 0.5 ? [255 * (1 - (2 * t - 1)), 255 - 127 * (2 * t - 1), 255 * (1 - (2 * t - 1))] : [255, 255 * 2 * t, 255 * 2 * t];
      for (let x = 118; x < 123; x++) expected.data.set([r, g, b, 255], ((32 + row) * 144 + x) * 4);
    }
    const ink = [20, 20, 20] as const;
    drawText(expected, 'T', 6, 6, ink);
    drawText(expected, 'input', 7, 21, ink);
    drawText(expected, 'attribution', 42, 21, ink);
    drawText(expected, 'overlay', 78, 21, ink);
    drawText(expected, '4', 127, 32, ink);
    drawText(expected, '0', 127, 40, ink);
    drawText(expected, '-4', 127, 48, ink);
    expect(Array.from(panel.image.data)).toEqual(Array.from(expected.data));
  });

  it("runs the colour bar from the map's high end at the top to its low end at the bottom", () => {
    const barTop = region(panel.image, 118, 32, 5, 1);
    const barBottom = region(panel.image, 118, 55, 5, 1);
    expect(barTop).toEqual(Array.from({ length: 5 }, () => [0, 128, 0, 255]).flat());
    expect(barBottom).toEqual(Array.from({ length: 5 }, () => [255, 0, 0, 255]).flat());
    expect(panel.bar.high).toBe(4);
    expect(panel.bar.low).toBe(-4);
    // Greens / Reds: the ramp's darkest stop at the saturated end, its lightest at 0
    const positive = renderPanel(attributions, { ...options, sign: 'positive' });
    expect(positive.layout.barLabels.map((l) => l.text)).toEqual(['4', '0']);
    expect(region(positive.image, 118, 32, 1, 1)).toEqual([0, 68, 27, 255]);
    expect(region(positive.image, 118, 55, 1, 1)).toEqual([247, 252, 245, 255]);
    const negative = renderPanel(attributions, { ...options, sign: 'negative' });
    expect(negative.layout.barLabels.map((l) => l.text)).toEqual(['0', '-4']);
    expect(region(negative.image, 118, 32, 1, 1)).toEqual([255, 245, 240, 255]);
    expect(region(negative.image, 118, 55, 1, 1)).toEqual([103, 0, 13, 255]);
  });

  it('defaults to the readable size: a 28×28 map is drawn 8× (224 px) with 2× text', () => {
    const big = { data: new Float32Array(28 * 28).map((_, i) => Math.sin(i)), shape: [28, 28] };
    const gray: RgbaImage = { width: 28, height: 28, data: new Uint8ClampedArray(28 * 28 * 4).fill(200) };
    const drawn = renderPanel(big, { image: gray, title: ['a', 'b'] });
    expect(drawn.upscale).toBe(8);
    expect(drawn.layout.parts.map((p) => [p.width, p.height])).toEqual([
      [224, 224],
      [224, 224],
      [224, 224],
    ]);
    const layout = panelLayout({
      partWidth: 224,
      partHeight: 224,
      title: ['a', 'b'],
      captions: ['input', 'attribution', 'overlay'],
      barLabels: drawn.layout.barLabels.map((l) => l.text),
      textSize: 2,
    });
    expect(drawn.layout).toEqual(layout);
  });

  it('shares a given scale, and formats bar values to three significant digits', () => {
    const shared = renderPanel(attributions, { ...options, scale: 8 });
    expect(shared.layout.barLabels.map((l) => l.text)).toEqual(['8', '0', '-8']);
    expect([formatBarValue(0.123456), formatBarValue(-2.5e-5), formatBarValue(12345), formatBarValue(0)]).toEqual(['0.123', '-2.50e-5', '1.23e4', '0']);
  });

  it('refuses heat_map as the overlay and a fractional text size', () => {
    expect(() => renderPanel(attributions, { ...options, overlayMethod: 'heat_map' as 'overlay' })).toThrow(InvalidOptionError);
    expect(() => renderPanel(attributions, { ...options, textSize: 1.5 })).toThrow(/textSize/);
  });
});
