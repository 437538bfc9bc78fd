/** Drawing: input | heatmap | overlay, upscaled without blurring, and the colour bar with its scale. */
import {
  combineChannels,
  defaultColormap,
  heatmapScale,
  renderHeatmap,
  renderPolarityMap,
  sampleColormap,
  type AttributionMap,
  type ChannelLayout,
  type HeatmapMethod,
  type Polarity,
  type RgbaImage,
  type VisualizeSign,
} from '@ig/core';

export interface ViewOptions {
  /** `captum`: Captum's methods and signs; `polarity`: the original IG paper's polarity map. */
  readonly style: 'captum' | 'polarity';
  readonly method: HeatmapMethod;
  readonly sign: VisualizeSign;
  readonly outlierPercentile: number;
  readonly polarity: Polarity;
  readonly clipAbove: number;
  readonly clipBelow: number;
  readonly morphology: boolean;
  readonly outlines: boolean;
}

/** Pixels on screen per image side: small images are scaled up by whole pixels, never blurred. */
export const DISPLAY_SIZE = 280;

export function drawUpscaled(canvas: HTMLCanvasElement, image: RgbaImage): void {
  const factor = Math.max(1, Math.floor(DISPLAY_SIZE / Math.max(image.width, image.height)));
  canvas.width = image.width * factor;
  canvas.height = image.height * factor;
  const source = new OffscreenCanvas(image.width, image.height);
  (source.getContext('2d') as OffscreenCanvasRenderingContext2D).putImageData(
    new ImageData(new Uint8ClampedArray(image.data), image.width, image.height),
    0,
    0,
  );
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.imageSmoothingEnabled = false;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
}

export interface Rendered {
  readonly heatmap: RgbaImage;
  readonly overlay: RgbaImage;
  /** The attribution value at the colour bar's ends, and the colours between them. */
  readonly bar: { readonly low: number; readonly high: number; readonly colorAt: (t: number) => readonly [number, number, number] };
}

export function renderViews(attributions: AttributionMap, layout: ChannelLayout, image: RgbaImage, view: ViewOptions): Rendered {
  if (view.style === 'polarity') {
    const common = {
      polarity: view.polarity,
      clipAbovePercentile: view.clipAbove,
      clipBelowPercentile: view.clipBelow,
      morphologicalCleanup: view.morphology,
      outlines: view.outlines,
      layout,
    };
    const heatmap = renderPolarityMap(attributions, { ...common, overlay: false });
    const overlay = renderPolarityMap(attributions, { ...common, image, overlay: true });
    const green = (t: number): [number, number, number] => [0, 255 * t, 0];
    const red = (t: number): [number, number, number] => [255 * t, 0, 0];
    const colorAt = view.polarity === 'negative' ? red : view.polarity === 'positive' ? green : (t: number) => (t < 0.5 ? red(1 - 2 * t) : green(2 * t - 1));
    return { heatmap, overlay, bar: { low: view.polarity === 'both' ? -1 : 0, high: 1, colorAt } };
  }
  const pixels = combineChannels(attributions, layout);
  const scale = heatmapScale(pixels, view.sign, view.outlierPercentile);
  const options = { sign: view.sign, outlierPercentile: view.outlierPercentile, layout, scale };
  const heatmap = renderHeatmap(attributions, { ...options, method: 'heat_map' });
  const overlayMethod = view.method === 'heat_map' ? 'blended_heat_map' : view.method;
  const overlay = renderHeatmap(attributions, { ...options, method: overlayMethod, image });
  const colormap = defaultColormap(view.sign);
  const magnitude = Math.abs(scale);
  const low = view.sign === 'all' ? -magnitude : view.sign === 'negative' ? -magnitude : 0;
  const high = view.sign === 'negative' ? 0 : magnitude;
  // Captum's negative map grows darker with more negative values: the bar runs from −scale (dark) to 0.
  const colorAt = (t: number): [number, number, number] => sampleColormap(colormap, view.sign === 'negative' ? 1 - t : t);
  return { heatmap, overlay, bar: { low, high, colorAt } };
}

export function drawColorBar(canvas: HTMLCanvasElement, bar: Rendered['bar']): void {
  const width = 256;
  canvas.width = width;
  canvas.height = 14;
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  for (let x = 0; x < width; x++) {
    const [r, g, b] = bar.colorAt(x / (width - 1));
    context.fillStyle = `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
    context.fillRect(x, 0, 1, canvas.height);
  }
}
