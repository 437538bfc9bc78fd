export type { AbortSignalLike } from './abort.js';
export type { GradientBackend, GradientRequest, GradientResponse, IntegrateRequest, IntegrateResponse, PointBatch } from './backend.js';
export { resolveBaselines, type BaselineFunction, type BaselineSpec, type BaselineValue } from './baselines.js';
export { completenessError } from './completeness.js';
export { AbortedError, BackendContractError, BaselineError, IGError, InvalidOptionError, NonFiniteError, ShapeMismatchError, TargetError } from './errors.js';
export { integratedGradients, type IntegratedGradientsOptions, type IntegratedGradientsResult, type PathReport } from './integrate.js';
export { AUTO_RULES, type AutoRule } from './path-rules.js';
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
export { functionBackend, type BatchFunctions, type PointFunctions } from './function-backend.js';
export * from './visualize/index.js';
export { checkAxioms, type AxiomCheck, type AxiomCheckOptions, type AxiomReport, type FeatureRef } from './axioms.js';
export { seededRandom, type Random } from './random.js';
export { smoothIntegratedGradients, type SmoothKind, type SmoothOptions, type SmoothResult } from './smooth.js';
export * from './hierarchy/index.js';
export { targetAt, tokenSums, wordSums, type WordSums } from './tokens.js';
export { encodeText, tokenizerLimits, TextInputError, type EncodedText, type TextEncodingOptions, type TokenizerLike } from './text-encoding.js';
