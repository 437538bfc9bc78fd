export { onnx } from './generated/onnx.js';
export { decodeModel, encodeModel, decodeTensor, encodeTensor } from './model-io.js';
export { DataType, isFloatType, dataTypeName, tensorValues, makeTensor, type TensorValues } from './tensor.js';
