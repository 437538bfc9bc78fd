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
export { OVERLAY_IMAGE_CONTRAST, defaultColormap, renderHeatmap } from './heatmap.js';
export type { Polarity, PolarityMapOptions, Rgb } from './polarity-map.js';
export { componentOutlines, linearTransform, POLARITIES, renderPolarityMap, topPercentageThreshold } from './polarity-map.js';
export { fillHoles, labelComponents, maskBorder, morphologicalCleanup } from './morphology.js';
export type { TokenColorOptions, TokenHtmlOptions } from './text.js';
export { tokenColor, tokensToAnsi, tokensToHtml } from './text.js';
export { READABLE_SHORT_SIDE, readableScale, upscaleNearest } from './upscale.js';
export type { ColorBarScale } from './color-bar.js';
export { colorBarScale, renderColorBar } from './color-bar.js';
export { GLYPH_HEIGHT, GLYPH_WIDTH, drawText, fontText, glyph, textHeight, textWidth } from './font.js';
export type { Box, PanelLayout, PanelLayoutInput, PlacedText } from './panel-layout.js';
export { panelLayout } from './panel-layout.js';
export type { Panel, PanelOptions } from './panel.js';
export { formatBarValue, renderPanel } from './panel.js';
