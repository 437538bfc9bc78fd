import { InvalidOptionError } from '../errors.js';
import { combineChannels } from './channels.js';
import { checkColormap, type Colormap } from './colormap.js';
import { colorBarScale, renderColorBar } from './color-bar.js';
import type { ColorBarScale } from './color-bar.js';
import { drawText } from './font.js';
import { defaultColormap, renderHeatmap } from './heatmap.js';
import { DEFAULT_OUTLIER_PERCENTILE, heatmapScale } from './normalize.js';
import { panelLayout } from './panel-layout.js';
import type { PanelLayout } from './panel-layout.js';
import { checkUpscaledSize, MAX_PICTURE_SIDE, readableScale, upscaleNearest } from './upscale.js';
import type { AttributionMap, ChannelLayout, HeatmapMethod, RgbaImage, VisualizeSign } from './types.js';

export interface PanelOptions {
  /** The explained image, at the attribution map's size. */
  readonly image: RgbaImage;
  /** Default `all`: both signs, on Captum's red-white-green map. */
  readonly sign?: VisualizeSign;
  /** Percent of the attribution mass clipped as outliers; default 2. */
  readonly outlierPercentile?: number;
  /** Channel axis of a rank-3 map; inferred when omitted. */
  readonly layout?: ChannelLayout;
  /** A divisor from `heatmapScale`, to draw several panels on one shared scale. */
  readonly scale?: number;
  readonly colormap?: Colormap;
  /** How the third picture draws the map over the image; default `overlay`. */
  readonly overlayMethod?: Exclude<HeatmapMethod, 'heat_map'>;
  /** Whole-pixel upscaling of the pictures; default: the short side becomes ≥ 224 px. */
  readonly upscale?: number;
  /** Lines of text above the pictures. */
  readonly title?: string | readonly string[];
  readonly captions?: readonly [string, string, string];
  /** Image pixels per font pixel; default 2 when the pictures are at least 150 px high, else 1. */
  readonly textSize?: number;
}

export interface Panel {
  readonly image: RgbaImage;
  readonly layout: PanelLayout;
  /** The colour bar drawn: the attribution at its ends and the colours between. */
  readonly bar: ColorBarScale;
  readonly upscale: number;
}

const BACKGROUND = 255;
const INK: [number, number, number] = [20, 20, 20];

/** Copies `source` into `target` at (x, y), compositing over what is there by the source's alpha. */
function blit(target: RgbaImage, source: RgbaImage, x: number, y: number): void {
  for (let sy = 0; sy < source.height; sy++) {
    for (let sx = 0; sx < source.width; sx++) {
      const s = (sy * source.width + sx) * 4;
      const t = ((y + sy) * target.width + x + sx) * 4;
      const alpha = (source.data[s + 3] as number) / 255;
      for (let ch = 0; ch < 3; ch++) target.data[t + ch] = alpha * (source.data[s + ch] as number) + (1 - alpha) * (target.data[t + ch] as number);
      target.data[t + 3] = 255;
    }
  }
}

/** A value for a colour-bar label: three significant digits, exponent form when very small or large. */
export function formatBarValue(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  const text = magnitude >= 1e-3 && magnitude < 1e4 ? String(Number(value.toPrecision(3))) : value.toExponential(2);
  return text.replace('e+', 'e');
}

/**
 * input | attribution | overlay side by side, upscaled by whole pixels, with a colour bar whose
 * ends are the attribution values where the map saturates, and a title — the panel Captum's
 * `visualize_image_attr_multiple` draws, as RGBA pixels.
 */
export function renderPanel(attributions: AttributionMap, options: PanelOptions): Panel {
  if ((options as PanelOptions | undefined)?.image === undefined) {
    throw new InvalidOptionError('renderPanel needs the explained image: renderPanel(attributions, { image })');
  }
  const sign = options.sign ?? 'all';
  const outlierPercentile = options.outlierPercentile ?? DEFAULT_OUTLIER_PERCENTILE;
  const overlayMethod = options.overlayMethod ?? 'overlay';
  if ((overlayMethod as HeatmapMethod) === 'heat_map')
    throw new InvalidOptionError("the panel's overlay needs a method that draws over the image, not 'heat_map'");
  const colormap = options.colormap === undefined ? defaultColormap(sign) : checkColormap(options.colormap);
  const map = combineChannels(attributions, options.layout);
  // The default factor stops where the panel would outgrow a canvas; a factor given is checked.
  const fitting = Math.max(1, Math.floor(MAX_PICTURE_SIDE / Math.max(3 * map.width, map.height)));
  const factor = options.upscale ?? Math.min(readableScale(map.width, map.height), fitting);
  if (!(Number.isInteger(factor) && factor >= 1)) throw new InvalidOptionError(`upscale must be a whole number ≥ 1, got ${String(factor)}`);
  if (factor > 1) checkUpscaledSize(map.width, map.height, factor, 3);
  const scale = options.scale ?? heatmapScale(map, sign, outlierPercentile);
  // A computed 0 is not passed on: given, 0 is refused for a map with values (outlierPercentile 100 computes it).
  const passed = options.scale !== undefined || scale !== 0 ? { scale } : {};
  const common = { sign, outlierPercentile, colormap, ...passed, ...(options.layout ? { layout: options.layout } : {}) };
  const heat = renderHeatmap(attributions, { ...common, method: 'heat_map' });
  const overlay = renderHeatmap(attributions, { ...common, method: overlayMethod, image: options.image });
  const pictures = [options.image, heat, overlay].map((p) => upscaleNearest(p, factor));
  const partHeight = heat.height * factor;
  const textSize = options.textSize ?? (partHeight >= 150 ? 2 : 1);
  if (!(Number.isInteger(textSize) && textSize >= 1)) throw new InvalidOptionError(`textSize must be a whole number ≥ 1, got ${String(textSize)}`);
  const bar = colorBarScale(sign, scale, colormap);
  const barLabels = sign === 'all' ? [bar.high, 0, bar.low] : [bar.high, bar.low];
  const title = options.title === undefined ? [] : typeof options.title === 'string' ? [options.title] : options.title;
  const layout = panelLayout({
    partWidth: heat.width * factor,
    partHeight,
    title,
    captions: options.captions ?? ['input', 'attribution', overlayMethod === 'overlay' ? 'overlay' : overlayMethod.replaceAll('_', ' ')],
    barLabels: barLabels.map(formatBarValue),
    textSize,
  });
  const image = { width: layout.width, height: layout.height, data: new Uint8ClampedArray(layout.width * layout.height * 4).fill(BACKGROUND) };
  layout.parts.forEach((box, k) => blit(image, pictures[k] as RgbaImage, box.x, box.y));
  blit(image, renderColorBar(bar, layout.bar.width, layout.bar.height), layout.bar.x, layout.bar.y);
  for (const text of [...layout.title, ...layout.captions, ...layout.barLabels]) drawText(image, text.text, text.x, text.y, INK, textSize);
  return { image, layout, bar, upscale: factor };
}
