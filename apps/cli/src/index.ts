export { main } from './cli.js';
export { formatNpy, parseNpy, toFloat32 } from './npy.js';
export type { NpyArray, NpyData, NpyDtype } from './npy.js';
export { loadModel } from './load-model.js';
export type { LoadedModel, LoadOptions, Provider } from './load-model.js';
export { decodeImage, NORMALIZATION_PRESETS } from './image.js';
export type { Layout, Normalization, Rgba } from './image.js';
