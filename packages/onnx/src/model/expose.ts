import { onnx } from '../proto/generated/onnx.js';
import { DataType, dataTypeName, isFloatType } from '../proto/tensor.js';
import { InvalidModelError } from '../errors.js';
import { inferFacts } from '../graph/shape-inference.js';
import { toModel, type ModelData } from './prepare.js';

/**
 * The tensor's shape inferred for one example (open input dimensions taken as 1), its first axis
 * left open when the first input's is; undefined where inference does not reach it.
 */
function inferredShape(model: onnx.ModelProto, tensor: string): onnx.ITensorShapeProto | undefined {
  const initializers = new Set(model.graph?.initializer?.map((t) => t.name));
  const inputs = (model.graph?.input ?? []).filter((v) => !initializers.has(v.name));
  const dims = (v: onnx.IValueInfoProto) => v.type?.tensorType?.shape?.dim ?? [];
  const shapes = new Map(inputs.map((v) => [v.name ?? '', dims(v).map((d) => (d.dimValue ? Number(d.dimValue) : 1))] as const));
  const shape = inferFacts(model, shapes)?.shapes.get(tensor);
  if (shape === undefined) return undefined;
  const batch = inputs[0] === undefined ? undefined : dims(inputs[0])[0];
  const openBatch = batch !== undefined && !batch.dimValue;
  return { dim: shape.map((size, axis) => (axis === 0 && openBatch ? { dimParam: batch.dimParam || 'N' } : { dimValue: size })) };
}

/**
 * The model with `tensor`, an intermediate float tensor that a node computes, added as the last
 * graph output, so that it can be explained like an output: the target then indexes that tensor
 * (Captum's neuron attribution). Its type and shape are copied from the graph's value_info where
 * it declares them (float otherwise; the shape inferred statically when it can be). A tensor the graph already outputs leaves the model as it is.
 */
export function exposeTensor(source: ModelData, tensor: string): onnx.ModelProto {
  const model = toModel(source);
  const graph = (model.graph ??= onnx.GraphProto.create()) as onnx.GraphProto;
  if (graph.output.some((o) => o.name === tensor)) return model;
  if (!graph.node.some((node) => (node.output ?? []).includes(tensor))) {
    const outputs = graph.output.map((o) => o.name).join(', ');
    throw new InvalidModelError(`"${tensor}" is neither an output of the graph (${outputs}) nor a tensor that one of its nodes computes`);
  }
  const declared = graph.valueInfo.find((v) => v.name === tensor);
  const type = declared?.type?.tensorType?.elemType ?? DataType.FLOAT;
  if (!isFloatType(type)) throw new InvalidModelError(`tensor "${tensor}" is ${dataTypeName(type)}; only a float tensor can be explained`);
  const shape = declared?.type?.tensorType?.shape ?? inferredShape(model, tensor);
  graph.output.push(onnx.ValueInfoProto.create({ name: tensor, type: { tensorType: { elemType: type, ...(shape ? { shape } : {}) } } }));
  return model;
}
