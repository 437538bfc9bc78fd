import { onnx } from '../proto/generated/onnx.js';
import { encodeModel } from '../proto/model-io.js';
import type { TensorFacts } from '../graph/builder.js';
import { ORT_TYPE_TO_ONNX, quietSessionOptions, type OrtSessionOptionsLike, type OrtModuleLike, type OrtTensorLike } from './ort.js';
import { RuntimeError } from '../errors.js';
import { isPrepared, toModel, type ModelData, type PreparedModel } from '../model/prepare.js';
import { copyModel } from '../model/working-copy.js';
import { lowerToFloat32 } from '../graph/precision.js';
import { mergeFacts, modelFacts } from '../graph/model.js';
import { inlineControlFlow } from '../model/control-flow/inline.js';
import { dropUnusedInputs } from '../model/input-use.js';

const MAX_RECORDED_VALUES = 4096;

/**
 * Runs the model once on `feeds` (float32 feeds: a float64 or float16 model runs lowered to float32,
 * as it is differentiated) with every intermediate tensor exposed as an output and records
 * each tensor's concrete shape, element type and (when small) values. These facts let the
 * gradient builder emit static shapes and constant index maps for this input shape. A model
 * with If, Loop or Scan nodes whose control flow is static is run again with them inlined.
 */
export async function inferShapes(
  ort: OrtModuleLike,
  source: ModelData | PreparedModel,
  feeds: Record<string, OrtTensorLike>,
  sessionOptions: OrtSessionOptionsLike = {},
): Promise<TensorFacts> {
  const model = isPrepared(source) ? copyModel(source.model) : lowerToFloat32(toModel(source));
  // As prepareModel does: the inputs no node reads are not fed.
  dropUnusedInputs(model);
  const facts = record(feeds, await runExposed(ort, model, feeds, sessionOptions));
  // Tensors inside If, Loop and Scan bodies are not graph tensors: the inlined model is run too,
  // so that the tensors the gradient graph reads once they are inlined (see withFacts) have facts.
  const inlined = copyModel(model);
  if (inlineControlFlow(inlined, mergeFacts(modelFacts(inlined.graph as onnx.GraphProto), facts)) === 0) return facts;
  return mergeFacts(facts, record(feeds, await runExposed(ort, inlined, feeds, sessionOptions)));
}

/** The model run once with every tensor a node computes exposed as an output. */
async function runExposed(
  ort: OrtModuleLike,
  source: onnx.ModelProto,
  feeds: Record<string, OrtTensorLike>,
  sessionOptions: OrtSessionOptionsLike,
): Promise<Record<string, OrtTensorLike>> {
  const model = copyModel(source);
  const graph = model.graph as onnx.GraphProto;
  const existing = new Set(graph.output.map((o) => o.name));
  for (const node of graph.node) {
    for (const name of node.output ?? []) {
      if (name && !existing.has(name)) {
        graph.output.push(onnx.ValueInfoProto.create({ name }));
        existing.add(name);
      }
    }
  }
  try {
    const session = await ort.InferenceSession.create(encodeModel(model), { ...quietSessionOptions(sessionOptions), graphOptimizationLevel: 'disabled' });
    try {
      return await session.run(feeds);
    } finally {
      await session.release?.();
    }
  } catch (error) {
    throw new RuntimeError('the runtime could not run the model to infer its shapes', [error]);
  }
}

/** Each tensor's shape, element type and (when small) values. */
function record(feeds: Record<string, OrtTensorLike>, results: Record<string, OrtTensorLike>): TensorFacts {
  const shapes = new Map<string, readonly number[]>();
  const dataTypes = new Map<string, number>();
  const values = new Map<string, readonly number[]>();
  const add = (name: string, tensor: OrtTensorLike): void => {
    shapes.set(name, tensor.dims.map(Number));
    const type = ORT_TYPE_TO_ONNX[tensor.type];
    if (type !== undefined) dataTypes.set(name, type);
    const data = tensor.data;
    if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
      const array = data as unknown as ArrayLike<number | bigint>;
      if (array.length <= MAX_RECORDED_VALUES) values.set(name, Array.from(array, Number));
    }
  };
  for (const [name, tensor] of Object.entries(feeds)) add(name, tensor);
  for (const [name, tensor] of Object.entries(results)) add(name, tensor);
  return { shapes, dataTypes, values };
}

/**
 * Facts for a batch of `count` points from probes at batches of 1 and 2, taking every dimension
 * and every small integer value to be affine in the batch size (as batch-major models are), so
 * probing costs two tiny runs however large the batch. Values that are not affine are dropped.
 */
export function extrapolateFacts(one: TensorFacts, two: TensorFacts, count: number): TensorFacts {
  const affine = (a: number, b: number): number => a + (count - 1) * (b - a);
  const shapes = new Map<string, readonly number[]>();
  for (const [name, s1] of one.shapes) {
    const s2 = two.shapes.get(name);
    if (!s2 || s2.length !== s1.length) continue;
    const scaled = s1.map((d, i) => affine(d, s2[i] as number));
    if (scaled.every((d) => Number.isSafeInteger(d) && d >= 0)) shapes.set(name, scaled);
  }
  const values = new Map<string, readonly number[]>();
  for (const [name, v1] of one.values) {
    const v2 = two.values.get(name);
    if (!v2 || v2.length !== v1.length) continue;
    const integer = [6, 7].includes(one.dataTypes.get(name) ?? 0);
    if (v1.every((v, i) => v === v2[i])) values.set(name, v1);
    else if (integer)
      values.set(
        name,
        v1.map((v, i) => affine(v, v2[i] as number)),
      );
  }
  return { shapes, dataTypes: new Map(one.dataTypes), values };
}
