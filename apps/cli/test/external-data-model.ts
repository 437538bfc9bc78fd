import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel, encodeModel, onnx } from '@ig/onnx';

/**
 * The model with every initializer's bytes moved to `weights.bin` in `dir` (at its offset, as
 * onnx.save_model(save_as_external_data=True) writes large exports), saved as `dir/name`.
 */
export function withExternalData(model: string, dir: string, name = 'external.onnx'): string {
  const decoded = decodeModel(readFileSync(model));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of decoded.graph?.initializer ?? []) {
    const bytes = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : new Uint8Array(new Float32Array(tensor.floatData ?? []).buffer);
    tensor.rawData = new Uint8Array(0);
    tensor.floatData = [];
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.externalData = [
      onnx.StringStringEntryProto.create({ key: 'location', value: 'weights.bin' }),
      onnx.StringStringEntryProto.create({ key: 'offset', value: String(offset) }),
      onnx.StringStringEntryProto.create({ key: 'length', value: String(bytes.length) }),
    ];
    chunks.push(new Uint8Array(bytes));
    offset += bytes.length;
  }
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat(chunks));
  writeFileSync(join(dir, name), encodeModel(decoded));
  return join(dir, name);
}
