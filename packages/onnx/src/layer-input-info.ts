import { inferredDims } from './contextual-decomposition/inferred-dims.js';
import { fixedBatch } from './model/endpoints.js';
import { onnx } from './proto/generated/onnx.js';
import { DataType } from './proto/tensor.js';

/**
 * The suffix's input for the layer tensor. Where the model fixes its batch (an export with input
 * [1, …]), the layer keeps that batch, so the suffix runs as many rows as the model does: its
 * shapes recorded for batch 1 (value_info, an LSTM's initial state expanded from them) would
 * otherwise refuse or mix a batch of path points. The layer's other axes are those inferred, or
 * named where open. Without a fixed batch, or where the layer's rank is unknown, no shape is given.
 */
export function layerInputInfo(model: onnx.IModelProto, layer: string): onnx.ValueInfoProto {
  const graph = model.graph as onnx.GraphProto;
  const batch = fixedBatch(graph);
  const declared = [...(graph.valueInfo ?? []), ...(graph.output ?? [])].find((v) => v.name === layer)?.type?.tensorType?.shape?.dim;
  const dims: (number | undefined)[] | undefined =
    batch === undefined
      ? undefined
      : (inferredDims(model).get(layer) ?? declared?.map((d) => (!d.dimParam && Number(d.dimValue) > 0 ? Number(d.dimValue) : undefined)));
  const shape =
    dims === undefined || dims.length === 0
      ? undefined
      : { dim: dims.map((d, axis) => (axis === 0 ? { dimValue: batch } : d === undefined ? { dimParam: `${layer}_axis${axis}` } : { dimValue: d })) };
  return onnx.ValueInfoProto.create({ name: layer, type: { tensorType: { elemType: DataType.FLOAT, ...(shape ? { shape } : {}) } } });
}
