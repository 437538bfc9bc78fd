export { buildContextualDecompositionModel, type ContextualDecompositionModel, type ContextualDecompositionModelOptions } from './rewrite.js';
export { createContextualDecomposition, type OnnxContextualDecomposition, type OnnxContextualDecompositionOptions } from './decomposer.js';
export { contextualDecompositionOps } from './rules.js';
export { UnsupportedDecompositionError } from './errors.js';
