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
 * Refuses a token id outside its embedding table before the model runs, naming the input, the
 * position and the table: such an id usually means a tokenizer that is not the model's, and
 * onnxruntime would only report it from inside the Gather kernel. A negative id is refused too, as
 * PyTorch's nn.Embedding refuses it: ONNX's Gather would read −1 as the last row, and −1 and −100
 * are the usual sentinels of a padding or ignored position, not a token.
 */
export function checkTokenIds(inputs: ContextInputs, tables: readonly EmbeddingTable[]): void {
  for (const { input, node, rows } of tables) {
    const ids = inputs[input]?.data;
    if (!ids || ids instanceof Float32Array) continue;
    for (let k = 0; k < ids.length; k++) {
      const id = Number(ids[k]);
      if (id >= rows || id < 0) {
        throw new ContextInputError(
          input,
          `token id ${id} at position ${k} is outside the embedding table of Gather "${node}" (${rows} rows, ids 0 to ${rows - 1}); is the tokenizer the model's?`,
        );
      }
    }
  }
}

/** A position-embedding table: a Gather over its rows, indexed by `indices`. */
export interface PositionTable {
  readonly indices: string;
  readonly rows: number;
  /** Whether the graph computes the indices (from the ids' length or the ids themselves). */
  readonly computed: boolean;
}

/**
 * The position-embedding tables: Gathers (axis 0) over a 2-D initializer whose indices are
 * computed in the graph (a Range or a Slice of a position buffer by the sequence length,
 * RoBERTa's count of non-pad ids) or are a `position_ids` input.
 */
export function positionTables(graph: onnx.IGraphProto): PositionTable[] {
  const tables = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const inputs = new Set((graph.input ?? []).map((v) => v.name ?? '').filter((name) => !tables.has(name)));
  const constants = new Set((graph.node ?? []).filter((n) => n.opType === 'Constant').flatMap((n) => n.output ?? []));
  const found: PositionTable[] = [];
  for (const node of graph.node ?? []) {
    const [table, indices = ''] = node.input ?? [];
    const dims = tables.get(table ?? '')?.dims;
    if (node.opType !== 'Gather' || intAttribute(node, 'axis', 0) !== 0 || dims?.length !== 2) continue;
    const computed = !inputs.has(indices) && !tables.has(indices) && !constants.has(indices);
    if (computed || (inputs.has(indices) && /position/i.test(indices))) found.push({ indices, rows: Number(dims[0]), computed });
  }
  return found;
}

/** The rows of the smallest position table (see positionTables); undefined when there is none. */
export function positionRows(graph: onnx.IGraphProto): number | undefined {
  const rows = positionTables(graph).map((t) => t.rows);
  return rows.length > 0 ? Math.min(...rows) : undefined;
}

/**
 * Refuses inputs whose length the model cannot take, before onnxruntime fails inside a kernel: a
 * fixed axis of another length (a model exported padded to a length), or a sequence longer than
 * its position embeddings.
 */
export function checkSequenceLengths(graph: onnx.IGraphProto, inputs: ContextInputs, positions: number | undefined): void {
  for (const info of graph.input ?? []) {
    const name = info.name ?? '';
    const value = inputs[name];
    if (!value || value.data instanceof Float32Array) continue;
    (info.type?.tensorType?.shape?.dim ?? []).forEach((dim, axis) => {
      const fixed = axis > 0 && !dim.dimParam && Number(dim.dimValue) > 0 ? Number(dim.dimValue) : undefined;
      if (fixed !== undefined && value.shape[axis] !== fixed)
        throw new ContextInputError(
          name,
          `the model takes exactly ${fixed} positions on axis ${axis} (a fixed length: pad to it), got shape [${value.shape.join(', ')}]`,
        );
    });
    const length = value.shape[1];
    if (positions !== undefined && length !== undefined && length > positions)
      throw new ContextInputError(name, `has ${length} positions; the model has position embeddings for at most ${positions} tokens`);
  }
}
