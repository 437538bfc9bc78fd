import { onnx } from './generated/onnx.js';
import { ModelDecodeError } from '../errors.js';

/** Reads a serialized ModelProto; any malformed input becomes a ModelDecodeError. */
export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  if (!(bytes instanceof Uint8Array)) throw new ModelDecodeError('model bytes must be a Uint8Array');
  if (bytes.length === 0) throw new ModelDecodeError('model bytes are empty');
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelDecodeError(`not a valid ONNX ModelProto (${bytes.length} bytes): ${(error as Error).message}`);
  }
  if (!model.graph) throw new ModelDecodeError(`not an ONNX model (${bytes.length} bytes): no graph`);
  return model;
}

export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** Reads a serialized TensorProto (e.g. the `input_0.pb` files of the ONNX test data). */
export function decodeTensor(bytes: Uint8Array): onnx.TensorProto {
  try {
    return onnx.TensorProto.decode(bytes);
  } catch (error) {
    throw new ModelDecodeError(`not a valid ONNX TensorProto (${bytes.length} bytes): ${(error as Error).message}`);
  }
}

export function encodeTensor(tensor: onnx.ITensorProto): Uint8Array {
  return onnx.TensorProto.encode(tensor).finish();
}
