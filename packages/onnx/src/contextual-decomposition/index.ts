export { buildContextualDecompositionModel, type ContextualDecompositionModel, type ContextualDecompositionModelOptions } from './rewrite.js';
export { createContextualDecomposition, type OnnxContextualDecomposition, type OnnxContextualDecompositionOptions } from './decomposer.js';
export { contextualDecompositionOps } from './rule-lookup.js';
export { UnsupportedDecompositionError } from './errors.js';
