export type { AbortSignalLike } from './abort.js';
export type { GradientBackend, GradientRequest, GradientResponse, IntegrateRequest, IntegrateResponse, PointBatch } from './backend.js';
export { resolveBaselines, type BaselineFunction, type BaselineSpec, type BaselineValue } from './baselines.js';
export { completenessError } from './completeness.js';
export { AbortedError, BackendContractError, BaselineError, IGError, InvalidOptionError, NonFiniteError, ShapeMismatchError, TargetError } from './errors.js';
export { integratedGradients, type IntegratedGradientsOptions, type IntegratedGradientsResult, type PathReport } from './integrate.js';
export { AUTO_RULES, checkStepsAndMethod, type AutoRule } from './path-rules.js';
export { inputTensor, inputTensors, type InputLike, type Inputs, type NestedNumbers, type OrtTensorInput, type TfTensorInput } from './inputs.js';
export type { RefinementReport } from './refinement-report.js';
export {
  checkCustomRule,
  clenshawCurtis,
  gaussLegendre,
  quadrature,
  QUADRATURE_METHODS,
  riemannLeft,
  riemannMiddle,
  riemannRight,
  riemannTrapezoid,
  type QuadratureMethod,
  type QuadratureRule,
} from './quadrature.js';
export { resolveTargets, type ResolvedTargets, type TargetSpec } from './targets.js';
export { broadcastTo, formatShape, sizeOf, tensor, type Tensor } from './tensor.js';
export { float16ToNumber } from './float16.js';
export { functionBackend, type BatchFunctions, type PointFunctions } from './function-backend.js';
export { backendForExample, consecutiveExamples } from './example-indices.js';
export * from './visualize/index.js';
export * from './image/index.js';
export { checkAxioms, type AxiomCheck, type AxiomCheckOptions, type AxiomReport, type FeatureRef } from './axioms.js';
export { seededRandom, type Random } from './random.js';
export { smoothIntegratedGradients, type SmoothKind, type SmoothOptions, type SmoothResult } from './smooth.js';
export * from './hierarchy/index.js';
export { targetAt, tokenizerWordBoundary, tokenSums, wordSums, type WordBoundary, type WordSums } from './tokens.js';
export {
  encodeText,
  idsInputName,
  modelSequenceLength,
  textBaselineIds,
  textModelInputs,
  tokenizerLimits,
  TextInputError,
  type EncodedText,
  type TextEncodingOptions,
  type TextModelInputs,
  type TokenModelShape,
  type TokenizerLike,
} from './text-encoding.js';
export { tokenizerConfig } from './tokenizer-config.js';
export { attribute, ALGORITHMS, type Algorithm, type AttributeOptions } from './methods/attribute.js';
export { blurIG, blurSigmas, type BlurIGOptions } from './methods/blur-ig.js';
export { expectedGradients, type ExpectedGradientsOptions } from './methods/expected-gradients.js';
export { gaussianBlur, gaussianKernel, guessLayout, type ImageLayout } from './methods/gaussian-blur.js';
export { guidedIG, type GuidedIGOptions } from './methods/guided-ig.js';
export { inputXGradient } from './methods/input-x-gradient.js';
export { integratedGradientsMethod, type IntegratedGradientsMethodOptions } from './methods/integrated-gradients.js';
export { noiseTunnel, NOISE_KINDS, type AttributionMethod, type NoiseKind, type NoiseKindAlias, type NoiseOptions, type NoiseResult } from './methods/noise.js';
export { OBJECTIVES, resolveObjective, type Objective, type ObjectiveName } from './methods/objective.js';
export type { GradientPath, PathContext, PathFactory } from './methods/path.js';
export { runPathMethod, type AttributionResult, type PathMethodOptions } from './methods/path-engine.js';
export { reduceChannels, REDUCERS, type Reducer } from './methods/reducer.js';
export { saliency, type SaliencyOptions } from './methods/saliency.js';
export { pointAtInput, straightPath } from './methods/straight-path.js';
export * from './layer/index.js';
