export type { AttributionMap, ChannelLayout, HeatmapMethod, PixelMap, RgbaImage, VisualizeSign } from './types.js';
export { HEATMAP_METHODS, VISUALIZE_SIGNS } from './types.js';
export { combineChannels, inferLayout } from './channels.js';
export type { Colormap } from './colormap.js';
export { BLUES, GREENS, RED_WHITE_GREEN, REDS, sampleColormap } from './colormap.js';
export {
  DEFAULT_OUTLIER_PERCENTILE,
  cumulativeSumThreshold,
  heatmapScale,
  normalizeAttributions,
  selectSign,
} from './normalize.js';
export type { HeatmapOptions } from './heatmap.js';
export { defaultColormap, renderHeatmap } from './heatmap.js';
export type { Polarity, PolarityMapOptions, Rgb } from './polarity-map.js';
export { componentOutlines, linearTransform, POLARITIES, renderPolarityMap, topPercentageThreshold } from './polarity-map.js';
export { fillHoles, labelComponents, maskBorder, morphologicalCleanup } from './morphology.js';
export type { TokenColorOptions, TokenHtmlOptions } from './text.js';
export { tokenColor, tokensToAnsi, tokensToHtml } from './text.js';
