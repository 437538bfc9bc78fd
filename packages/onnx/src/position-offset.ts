import { idsInputName } from '@ig/core';
import { onnx } from './proto/generated/onnx.js';
import { encodeModel } from './proto/model-io.js';
import { DataType } from './proto/tensor.js';
import { nodeReads, topologicalOrder } from './graph/model.js';
import { toAttributeProto } from './graph/attributes.js';
import { neededNodes } from './layer.js';
import { feedsOf, type ContextTensor } from './runtime/context.js';
import type { OrtModuleLike } from './runtime/ort.js';
import { positionTables } from './token-ids.js';

const PROBE_OUTPUT = 'ig_probe_position_ids';
const PROBE_LENGTH = 4;
// Two different ids: at most one of them is the model's padding id, which RoBERTa does not count.
const PROBE_IDS = [1, 2];

/** A probe value for one graph input: the ids filled with `id`, a mask of ones, zeros elsewhere. */
function probeValue(name: string, type: number, shape: readonly number[], idsName: string, id: number): ContextTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (type === DataType.FLOAT) return { data: new Float32Array(size), shape };
  const fill = name === idsName ? BigInt(id) : /mask/i.test(name) ? 1n : 0n;
  return { data: new BigInt64Array(size).fill(fill), shape };
}

/** The declared shape with free axes at batch 1 and the probe's length. */
function probeShape(dims: readonly (number | null)[] | null): number[] {
  return (dims ?? [null, null]).map((d, axis) => d ?? (axis === 1 ? PROBE_LENGTH : 1));
}

/** The nodes computing `indices` (cast to int64 as the only output) and the graph inputs they read. */
function probeModel(model: onnx.IModelProto, indices: string, inputTypes: ReadonlyMap<string, number>): { probe: onnx.ModelProto; inputs: string[] } {
  const graph = model.graph as onnx.GraphProto;
  const nodes = neededNodes(topologicalOrder(graph), [indices], new Set());
  const reads = new Set(nodes.flatMap((n) => nodeReads(n)));
  const inputs = [...inputTypes.keys()].filter((name) => reads.has(name));
  const cast = onnx.NodeProto.create({
    opType: 'Cast',
    input: [indices],
    output: [PROBE_OUTPUT],
    attribute: [toAttributeProto('to', { int: DataType.INT64 })],
  });
  const output = onnx.ValueInfoProto.create({ name: PROBE_OUTPUT, type: { tensorType: { elemType: DataType.INT64 } } });
  // Only what those nodes read: not the weights, which for a real model are hundreds of MB.
  const part = onnx.GraphProto.create({
    ...graph,
    node: [...nodes, cast],
    input: graph.input.filter((v) => reads.has(v.name ?? '')),
    initializer: graph.initializer.filter((t) => reads.has(t.name ?? '')),
    output: [output],
  });
  const probe = onnx.ModelProto.create({ ...model, graph: part });
  return { probe, inputs };
}

/**
 * How far the position ids a model computes from its inputs run past 0…L−1: 0 for BERT and
 * GPT-2 (a Range or a slice of 0…max), padding_idx + 1 = 2 for RoBERTa, XLM-R and CamemBERT
 * (transformers' create_position_ids_from_input_ids: padding_idx plus the running count of
 * non-pad tokens), whose 514 position rows therefore hold 512 tokens. Found by running the nodes
 * that compute the table's indices on a short probe input (ids 1, then ids 2) and comparing the
 * largest index with the last position; 0 when the probe cannot run.
 */
export async function positionOffset(
  ort: OrtModuleLike,
  model: onnx.IModelProto,
  indices: string,
  inputTypes: ReadonlyMap<string, number>,
  inputShapes: ReadonlyMap<string, readonly (number | null)[] | null>,
): Promise<number> {
  const idsName = idsInputName(inputTypes.keys());
  let offset = 0;
  try {
    const { probe, inputs } = probeModel(model, indices, inputTypes);
    const session = await ort.InferenceSession.create(encodeModel(probe), { logSeverityLevel: 4 });
    try {
      for (const id of PROBE_IDS) {
        const values = Object.fromEntries(
          inputs.map((name) => [name, probeValue(name, inputTypes.get(name) ?? DataType.FLOAT, probeShape(inputShapes.get(name) ?? null), idsName, id)]),
        );
        const length = values[idsName]?.shape[1] ?? PROBE_LENGTH;
        const result = (await session.run(feedsOf(ort, values, inputTypes)))[PROBE_OUTPUT]?.data;
        if (!(result instanceof BigInt64Array) || result.length === 0) return 0;
        offset = Math.max(offset, Math.max(...Array.from(result, Number)) - (length - 1));
      }
    } finally {
      await session.release?.();
    }
  } catch {
    // A graph the probe cannot cut out keeps the rows alone as its bound, as before.
    return 0;
  }
  return offset;
}

/**
 * How many tokens the model's position embeddings hold: the smallest table's rows, less the
 * offset of the ids the graph computes for it (see positionOffset); undefined without a table.
 */
export async function positionLimit(
  ort: OrtModuleLike,
  model: onnx.IModelProto,
  inputTypes: ReadonlyMap<string, number>,
  inputShapes: ReadonlyMap<string, readonly (number | null)[] | null>,
): Promise<number | undefined> {
  let limit: number | undefined;
  for (const table of positionTables(model.graph as onnx.GraphProto)) {
    const offset = table.computed ? await positionOffset(ort, model, table.indices, inputTypes, inputShapes) : 0;
    limit = Math.min(limit ?? Infinity, table.rows - offset);
  }
  return limit;
}
