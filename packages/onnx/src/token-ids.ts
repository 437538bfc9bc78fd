import type { onnx } from './proto/generated/onnx.js';
import { intAttribute } from './graph/attributes.js';
import { ContextInputError, type ContextInputs } from './runtime/context.js';

/** An embedding lookup: a Gather over the rows of a constant table, indexed by a graph input. */
export interface EmbeddingTable {
  readonly input: string;
  readonly node: string;
  readonly rows: number;
}

/** Every Gather (axis 0) whose table is an initializer and whose indices are a graph input. */
export function embeddingTables(graph: onnx.IGraphProto): EmbeddingTable[] {
  const tables = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const inputs = new Set((graph.input ?? []).map((v) => v.name ?? '').filter((name) => !tables.has(name)));
  const found: EmbeddingTable[] = [];
  for (const node of graph.node ?? []) {
    const [table, indices] = node.input ?? [];
    const dims = tables.get(table ?? '')?.dims;
    if (node.opType !== 'Gather' || intAttribute(node, 'axis', 0) !== 0 || !dims?.length || !inputs.has(indices ?? '')) continue;
    found.push({ input: indices as string, node: node.name || node.output?.[0] || 'Gather', rows: Number(dims[0]) });
  }
  return found;
}

/**
 * Refuses a token id outside its embedding table (ONNX allows −rows…rows−1) before the model
 * runs, naming the input, the position and the table: such an id usually means a tokenizer that
 * is not the model's, and onnxruntime would only report it from inside the Gather kernel.
 */
export function checkTokenIds(inputs: ContextInputs, tables: readonly EmbeddingTable[]): void {
  for (const { input, node, rows } of tables) {
    const ids = inputs[input]?.data;
    if (!ids || ids instanceof Float32Array) continue;
    for (let k = 0; k < ids.length; k++) {
      const id = Number(ids[k]);
      if (id >= rows || id < -rows) {
        throw new ContextInputError(
          input,
          `token id ${id} at position ${k} is outside the embedding table of Gather "${node}" (${rows} rows, ids 0 to ${rows - 1}); is the tokenizer the model's?`,
        );
      }
    }
  }
}
