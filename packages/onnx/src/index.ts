export {
  onnx,
  decodeModel,
  encodeModel,
  decodeTensor,
  encodeTensor,
  DataType,
  isFloatType,
  dataTypeName,
  tensorValues,
  makeTensor,
  type TensorValues,
} from './proto/index.js';
export { GraphBuilder, type TensorFacts } from './graph/builder.js';
export type { AttributeValue, Attributes } from './graph/attributes.js';
export { MIN_OPSET, MAX_OPSET } from './graph/model.js';
export { MIN_LEGACY_OPSET } from './model/upgrade.js';
export { checkGradientSupport } from './autodiff/analysis.js';
export { prepareModel, upgradeModel, type ModelData, type PreparedModel, type PrepareOptions } from './model/prepare.js';
export { buildGradientModel, SEED_INPUT, GRADIENT_PREFIX, type GradientModel, type GradientModelOptions } from './autodiff/gradient.js';
export { gradientRules, nonDifferentiableOps } from './autodiff/rules/registry.js';
export { NodeView, UnsupportedForm, type GradientRule } from './autodiff/rules/rule.js';
export { extrapolateFacts, inferShapes } from './runtime/probe.js';
export type { OrtModuleLike, OrtSessionLike, OrtSessionOptionsLike, OrtTensorLike } from './runtime/ort.js';
export {
  BatchRowsError,
  InvalidModelError,
  LegacyUpgradeError,
  ModelDecodeError,
  RuntimeError,
  UnknownShapeError,
  UnsupportedOpError,
  UnsupportedOpsetError,
  type UnsupportedNode,
} from './errors.js';
export { createOnnxBackend, type OnnxBackend, type OnnxBackendOptions, type OnnxBackendStats, type ExecutionProvider } from './runtime/backend.js';
export { GRAPH_CACHE_FORMAT, type CachedGraph, type GraphCache, type GraphKey } from './cache/graph-cache.js';
export { inferFacts } from './graph/shape-inference.js';
export { buildFusedModel, type FusedModel, type FusedModelOptions } from './autodiff/fused.js';
export { inspect, type ModelSummary, type TensorSummary } from './model/inspect.js';
export { exposeTensor, listTensors, type IntermediateTensor } from './model/expose.js';
export { cutAtTensor, createLayerBackend, layerIntegratedGradients, type CutModel, type LayerBackend } from './layer.js';
export * from './contextual-decomposition/index.js';
export { ContextInputError, type ContextData, type ContextInputs, type ContextTensor } from './runtime/context.js';
export {
  createTokenLayerExplainer,
  findEmbeddingOutput,
  type TokenLayerAttributionOptions,
  type TokenLayerExplainer,
  type TokenLayerOptions,
} from './token-layer.js';
export { ModelSourceError, readModelForWeb, type ModelSource } from './model-source.js';
export {
  ExternalDataError,
  externalLocation,
  externalTensors,
  inlineExternalData,
  mayHaveExternalData,
  type ExternalDataReader,
} from './proto/external-data.js';
export { fromOrtTensor, toOrtTensor } from './ort-tensor.js';
