import { onnx } from '../proto/generated/onnx.js';
import { DataType, dataTypeName, isFloatType } from '../proto/tensor.js';
import { InvalidModelError } from '../errors.js';
import { inferFacts } from '../graph/shape-inference.js';
import type { TensorFacts } from '../graph/builder.js';
import { toModel, type ModelData } from './prepare.js';

const dimsOf = (v: onnx.IValueInfoProto) => v.type?.tensorType?.shape?.dim ?? [];

function graphInputs(model: onnx.IModelProto): onnx.IValueInfoProto[] {
  const initializers = new Set(model.graph?.initializer?.map((t) => t.name));
  return (model.graph?.input ?? []).filter((v) => !initializers.has(v.name));
}

/** Every tensor's facts inferred statically for one example (open input dimensions taken as 1), or null. */
function factsForOneExample(model: onnx.IModelProto): TensorFacts | null {
  const shapes = new Map(graphInputs(model).map((v) => [v.name ?? '', dimsOf(v).map((d) => (d.dimValue ? Number(d.dimValue) : 1))] as const));
  return inferFacts(model, shapes, { partial: true });
}

/** `shape` with its first axis open when the first input's is. */
function withOpenBatch(model: onnx.IModelProto, shape: readonly number[]): onnx.ITensorShapeProto {
  const first = graphInputs(model)[0];
  const batch = first === undefined ? undefined : dimsOf(first)[0];
  const openBatch = batch !== undefined && !batch.dimValue;
  return { dim: shape.map((size, axis) => (axis === 0 && openBatch ? { dimParam: batch.dimParam || 'N' } : { dimValue: size })) };
}

/** An intermediate tensor: its name, the node that computes it, its type and its shape for one example (null where unknown). */
export interface IntermediateTensor {
  readonly name: string;
  readonly opType: string;
  readonly node: string;
  readonly type: string | null;
  readonly shape: readonly number[] | null;
}

const typeName = (type: number | undefined): string | null => (type === undefined || type === DataType.UNDEFINED ? null : dataTypeName(type).toLowerCase());

/**
 * The tensors the nodes compute, in graph order, other than the graph outputs: what layer
 * attribution (`--layer`) and neuron attribution (exposeTensor, `--output`) can name.
 */
export function listTensors(source: ModelData): IntermediateTensor[] {
  const model = toModel(source);
  const graph = model.graph ?? onnx.GraphProto.create();
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  const facts = factsForOneExample(model);
  const declared = new Map((graph.valueInfo ?? []).map((v) => [v.name ?? '', v.type?.tensorType?.elemType ?? DataType.UNDEFINED] as const));
  return (graph.node ?? []).flatMap((node) =>
    (node.output ?? [])
      .filter((name) => name && !outputs.has(name))
      .map((name) => ({
        name,
        opType: node.opType ?? '',
        node: node.name ?? '',
        type: typeName(facts?.dataTypes.get(name) ?? declared.get(name)),
        shape: facts?.shapes.get(name) ?? null,
      })),
  );
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
  const inferred = declared?.type?.tensorType?.shape ? undefined : factsForOneExample(model)?.shapes.get(tensor);
  const shape = declared?.type?.tensorType?.shape ?? (inferred === undefined ? undefined : withOpenBatch(model, inferred));
  graph.output.push(onnx.ValueInfoProto.create({ name: tensor, type: { tensorType: { elemType: type, ...(shape ? { shape } : {}) } } }));
  return model;
}
