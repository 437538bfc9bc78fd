import type { onnx } from '../proto/generated/onnx.js';
import { DataType, dataTypeName, makeTensor, tensorValues } from '../proto/tensor.js';

/** Float types computed in float32 instead: the core's paths and gradients are Float32Arrays. */
const LOWERED = new Set<number>([DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16]);

/** Attributes naming an output element type (Cast's `to`, the random and EyeLike `dtype`s). */
const TYPE_ATTRIBUTES = new Set(['to', 'dtype']);

/** The non-float32 float types a model uses, by name (empty for a float32 model). */
export function loweredTypesOf(model: onnx.IModelProto): string[] {
  const found = new Set<number>();
  visitGraph(model.graph ?? {}, (dataType) => {
    found.add(dataType);
    return dataType;
  });
  return [...found].map(dataTypeName);
}

/**
 * Rewrites a float64, float16 or bfloat16 model in place into the same computation in float32:
 * initializers, constants, declared types and Cast targets. Integer and bool tensors are left
 * alone, and a float32 model is returned unchanged.
 */
export function lowerToFloat32(model: onnx.ModelProto): onnx.ModelProto {
  if (model.graph) visitGraph(model.graph, () => DataType.FLOAT);
  return model;
}

/** Calls `lower` for every lowered float type in the graph and its subgraphs; writes back its result. */
function visitGraph(graph: onnx.IGraphProto, lower: (dataType: number) => number): void {
  const initializers = graph.initializer ?? [];
  initializers.forEach((tensor, i) => {
    initializers[i] = lowerTensor(tensor, lower);
  });
  for (const info of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) {
    const tensorType = info.type?.tensorType;
    const elemType = tensorType?.elemType ?? 0;
    if (tensorType && LOWERED.has(elemType) && lower(elemType) !== elemType) tensorType.elemType = lower(elemType);
  }
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      if (attribute.t) attribute.t = lowerTensor(attribute.t, lower);
      const tensors = attribute.tensors ?? [];
      tensors.forEach((tensor, i) => {
        tensors[i] = lowerTensor(tensor, lower);
      });
      const typeValue = Number(attribute.i ?? 0);
      if (TYPE_ATTRIBUTES.has(attribute.name ?? '') && LOWERED.has(typeValue) && lower(typeValue) !== typeValue) attribute.i = lower(typeValue);
      if (attribute.g) visitGraph(attribute.g, lower);
      for (const sub of attribute.graphs ?? []) visitGraph(sub, lower);
    }
  }
}

function lowerTensor(tensor: onnx.ITensorProto, lower: (dataType: number) => number): onnx.ITensorProto {
  const dataType = tensor.dataType ?? DataType.UNDEFINED;
  if (!LOWERED.has(dataType) || lower(dataType) === dataType) return tensor;
  const name = tensor.name ?? '';
  const values = tensorValues(tensor, name);
  const lowered = makeTensor(name, values.dims, DataType.FLOAT, values.values);
  if (tensor.docString) lowered.docString = tensor.docString;
  return lowered;
}
