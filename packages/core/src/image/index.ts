export { resizeBilinear } from './resize.js';
export { GREY_WEIGHTS, greyImage, imageToTensor, type ImageTensorLayout, type ImageTensorSpec } from './to-tensor.js';
