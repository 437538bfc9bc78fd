export type { LayerHead, LayerSplit } from './split.js';
export { layerIntegratedGradients, type LayerAttributionResult, type LayerIntegratedGradientsOptions } from './layer-integrated-gradients.js';
export { inputBaselines, layerInputs, tensorExample, tensorExamples, type InputBaseline } from './tensor-inputs.js';
