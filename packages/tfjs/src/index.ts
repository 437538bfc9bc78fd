export { tfjsBackend } from './backend.js';
export type { TfjsBackendOptions } from './backend.js';
export { layerIntegratedGradients, tfjsLayerSplit } from './layer.js';
export type { InputBaseline } from '@ig/core';
export type { LayerSplitOptions, LayerIntegratedGradientsOptions, LayerIntegratedGradientsResult, LayeredModelLike, LayerLike } from './layer.js';
export type { GraphModelLike, LayersModelLike, OutputSelector, TfjsFunction, TfjsModel } from './model.js';
export {
  AsyncModelError,
  DisposedBackendError,
  MissingKernelError,
  ModelOutputError,
  NoGradientError,
  NonDifferentiableInputError,
  TokenIdError,
  UnsupportedModelError,
} from './errors.js';
export { tfjsContextualDecomposition } from './contextual-decomposition.js';
export type { DecomposableLayer, SequentialLike } from './contextual-decomposition.js';
export { fromTfTensor, toTensor } from './tensors.js';
