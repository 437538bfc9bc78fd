import { onnx } from '../../../proto/generated/onnx.js';
import { DataType } from '../../../proto/tensor.js';
import { InvalidModelError } from '../../../errors.js';
import { floatAttribute } from '../../../graph/attributes.js';
import type { LoweringBuilder } from '../lowering-builder.js';
import { optionalInput } from '../node-inputs.js';
import { contribOp } from './contrib-op.js';

const [IDS, SEGMENT_IDS, WORDS, POSITIONS, SEGMENTS, GAMMA, BETA, MASK, POSITION_IDS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/**
 * com.microsoft.EmbedLayerNormalization (BERT's embeddings): LayerNorm(words[input_ids] +
 * positions[position_ids or 0…S−1] + segments[segment_ids])·gamma + beta over the hidden axis;
 * mask_index is the number of ones in each mask row (zeros without a mask), embedding_sum the
 * sum before normalization. The word lookup is a Gather named `<output>/word_embeddings`,
 * where token-layer attribution finds it (see lowerEmbedLayerNormalization).
 */
export const embedLayerNormalization = contribOp({
  opType: 'EmbedLayerNormalization',
  // The ids, the mask and the position ids (0, 1, 7, 8) are integers.
  differentiable: [2, 3, 4, 5, 6],
  refusal(node) {
    if (Boolean(optionalInput(node, SEGMENT_IDS)) !== Boolean(optionalInput(node, SEGMENTS))) return 'segment_ids and segment_embedding must be given together';
    return undefined;
  },
  lower: (b, node) => embedLayerNormalizationOps(b, node, true),
});

/** The word-embedding lookup's output in the lowered graph: where the token layer is. */
export const wordEmbeddingsOf = (node: onnx.INodeProto): string => `${node.output?.[0] ?? ''}/word_embeddings`;

/**
 * The node's computation in standard ops. With `shaped`, every input's static shape is known and
 * recorded for the gradient rules; without, the graph reads the sequence length at run time
 * (the token-layer rewrite, before any shape is known).
 */
export function embedLayerNormalizationOps(b: LoweringBuilder, node: onnx.INodeProto, shaped: boolean): (string | undefined)[] {
  const input = (index: number): string | undefined => optionalInput(node, index);
  const [ids, words, positions, gamma, beta] = [IDS, WORDS, POSITIONS, GAMMA, BETA].map((i) => input(i) ?? '') as [string, string, string, string, string];
  const dims = shaped ? (b.shape(ids) as [number, number]) : undefined;
  const hidden = shaped ? (b.shape(words)[1] as number) : 0;
  if (shaped && b.rank(ids) !== 2)
    throw new InvalidModelError(`com.microsoft.EmbedLayerNormalization node "${node.name}": input_ids "${ids}" must be 2-D, not [${b.shape(ids).join(', ')}]`);
  const full = dims && [dims[0], dims[1], hidden];
  const op = (type: string, inputs: string[], shape: readonly number[] | undefined, attributes = {}): string => b.op(type, inputs, attributes, shape);
  // The gradient of a Gather with respect to its table needs int64 indices (onnxruntime has no
  // OneHot for int32 ones); the token-layer rewrite keeps the graph input itself as the indices.
  const indices = (name: string): string => (shaped ? op('Cast', [name], b.shape(name), { to: { int: DataType.INT64 } }) : name);

  const lookup = wordEmbeddingsOf(node);
  b.reserve(lookup);
  b.nodes.push(onnx.NodeProto.create({ opType: 'Gather', name: b.fresh('Gather_node'), input: [words, indices(ids)], output: [lookup], attribute: [] }));
  if (full) b.setShape(lookup, full);
  const positionIds = input(POSITION_IDS);
  let positionRows: string;
  if (positionIds) positionRows = op('Gather', [positions, indices(positionIds)], shaped ? [...b.shape(positionIds), hidden] : undefined);
  else if (dims) {
    const rows = b.shape(positions)[0] as number;
    if (dims[1] > rows)
      throw new InvalidModelError(
        `com.microsoft.EmbedLayerNormalization node "${node.name}": ${dims[1]} positions, but position_embedding "${positions}" has ${rows} rows`,
      );
    positionRows = b.sliceAxis(positions, 0, 0, dims[1]);
  } else {
    // Rows 0…S−1 by a Gather of a Range, where token-layer attribution reads how many positions the table holds.
    const length = op('Gather', [op('Shape', [ids], undefined), b.int64Constant([1], [])], undefined);
    positionRows = op('Gather', [positions, op('Range', [b.int64Constant([0], []), length, b.int64Constant([1], [])], undefined)], undefined);
  }
  let sum = op('Add', [lookup, positionRows], full);
  const segmentIds = input(SEGMENT_IDS);
  if (segmentIds) sum = op('Add', [sum, op('Gather', [input(SEGMENTS) as string, indices(segmentIds)], full)], full);

  const rowShape = dims && [dims[0], dims[1], 1];
  const mean = (x: string): string => {
    const m = b.reduceMean(x, [2], true);
    if (rowShape) b.setShape(m, rowShape);
    return m;
  };
  const centered = op('Sub', [sum, mean(sum)], full);
  const variance = mean(op('Mul', [centered, centered], full));
  const deviation = op('Sqrt', [op('Add', [variance, b.floatConstant([floatAttribute(node, 'epsilon', 1e-12)])], rowShape)], rowShape);
  const normalized = op('Div', [centered, deviation], full);
  const output = op('Add', [op('Mul', [normalized, gamma], full), beta], full);
  return [output, node.output?.[1] ? maskIndex(b, ids, input(MASK), dims) : undefined, sum];
}

/** The number of ones in each mask row (other values count as zeros, as in onnxruntime), or zeros without a mask: int32 [B]. */
function maskIndex(b: LoweringBuilder, ids: string, mask: string | undefined, dims: [number, number] | undefined): string {
  const batch = dims && [dims[0]];
  if (mask) {
    const ones = b.reduceSum(
      b.op(
        'Cast',
        [b.op('Equal', [mask, b.op('Cast', [b.int64Constant([1], [])], { to: { int: DataType.INT32 } }, [])], {}, dims)],
        { to: { int: DataType.INT32 } },
        dims,
      ),
      [1],
      false,
    );
    if (batch) b.setShape(ones, batch);
    return ones;
  }
  const first = b.op('Gather', [ids, b.int64Constant([0], [])], { axis: { int: 1 } }, batch);
  return b.op('Sub', [first, first], {}, batch);
}
