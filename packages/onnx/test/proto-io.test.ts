import { describe, expect, it } from 'vitest';
import { captumModelBytes } from '@ig/test-fixtures';
import { decodeModel, encodeModel, makeTensor, onnx, tensorValues, DataType } from '../src/index.js';

describe('ModelProto I/O', () => {
  it('decodes and re-encodes the exported CNN byte for byte', () => {
    const bytes = captumModelBytes('small_cnn');
    const model = decodeModel(bytes);
    expect(model.graph?.node?.length).toBe(8);
    expect(Number(model.opsetImport?.[0]?.version)).toBe(13);
    expect(Array.from(encodeModel(model))).toEqual(Array.from(bytes));
  });

  it('keeps fields it does not know, raw_data and external-data initializers', () => {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        initializer: [
          makeTensor('w', [2], DataType.FLOAT, [1.5, -2]),
          onnx.TensorProto.create({
            name: 'big',
            dims: [1000],
            dataType: DataType.FLOAT,
            dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
            externalData: [
              { key: 'location', value: 'weights.bin' },
              { key: 'offset', value: '4096' },
            ],
          }),
        ],
      },
    });
    // Field 99 (varint 150) and field 100 (bytes "hi") are unknown to this onnx.proto.
    const unknown = Uint8Array.from([0x98, 0x06, 0x96, 0x01, 0xa2, 0x06, 0x02, 0x68, 0x69]);
    const bytes = new Uint8Array([...encodeModel(model), ...unknown]);
    const decoded = decodeModel(bytes);
    const again = encodeModel(decoded);
    expect(Array.from(again.subarray(again.length - unknown.length))).toEqual(Array.from(unknown));
    const graph = decodeModel(again).graph as onnx.GraphProto;
    expect(Array.from(tensorValues(graph.initializer[0] as onnx.TensorProto).values)).toEqual([1.5, -2]);
    expect(graph.initializer[1]?.externalData?.map((e) => [e.key, e.value])).toEqual([
      ['location', 'weights.bin'],
      ['offset', '4096'],
    ]);
    expect(graph.initializer[1]?.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
  });
});
