import { InvalidModelError } from '../../../errors.js';
import { floatAttribute, hasAttribute, intAttribute } from '../../../graph/attributes.js';
import type { LoweringBuilder } from '../lowering-builder.js';
import { rotateHeads } from '../rotary-embedding.js';
import { contribOp } from './contrib-op.js';

/**
 * com.microsoft.RotaryEmbedding: the rotation of the standard RotaryEmbedding (opset 23), with
 * inputs (input, position_ids, cos_cache, sin_cache). position_ids are [B, S] positions, or one
 * start position p for positions p…p+S−1. A 3-D input [B, S, hidden] has heads of
 * 2·(cache width) features unless num_heads says otherwise.
 */
export const contribRotaryEmbedding = contribOp({
  opType: 'RotaryEmbedding',
  // position_ids (1) are integers.
  differentiable: [0, 2, 3],
  refusal(node) {
    if (intAttribute(node, 'is_packed_batching', 0) !== 0) return 'is_packed_batching 1 (ragged batches) is not lowered';
    if (hasAttribute(node, 'scale') && floatAttribute(node, 'scale', 1) !== 1) return `scale ${floatAttribute(node, 'scale', 1)} (only 1 is lowered)`;
    return undefined;
  },
  lower(b, node) {
    const [input, positionIds, cosCache, sinCache] = node.input as [string, string, string, string];
    const fail = (what: string): never => {
      throw new InvalidModelError(`com.microsoft.RotaryEmbedding node "${node.name}": ${what}`);
    };
    const shape = b.shape(input);
    const half = b.shape(cosCache)[1] as number;
    if (b.rank(cosCache) !== 2 || b.shape(sinCache).join() !== b.shape(cosCache).join())
      fail(
        `cos_cache "${cosCache}" and sin_cache "${sinCache}" must be 2-D of one shape, not [${b.shape(cosCache).join(', ')}] and [${b.shape(sinCache).join(', ')}]`,
      );
    const rotated = intAttribute(node, 'rotary_embedding_dim', 0) || 2 * half;
    if (rotated !== 2 * half) fail(`rotary_embedding_dim ${rotated} is not twice the caches' width ${half}`);
    let x = input;
    if (shape.length === 3) {
      const [batch, length, hidden] = shape as [number, number, number];
      const heads = intAttribute(node, 'num_heads', 0) || hidden / rotated;
      if (!Number.isInteger(heads) || hidden % heads !== 0) fail(`3-D input "${input}" of hidden size ${hidden}: num_heads ${heads} does not divide it`);
      x = b.transpose(b.reshape(input, [batch, length, heads, hidden / heads]), [0, 2, 1, 3]);
    } else if (shape.length !== 4) fail(`input "${input}" has shape [${shape.join(', ')}]; it must be 3-D or 4-D`);
    const [batch, , length, head] = b.shape(x) as [number, number, number, number];
    if (rotated > head) fail(`rotary_embedding_dim ${rotated} exceeds the head size ${head}`);
    const rows = (cache: string): string => b.insertAxis(cacheRows(b, cache, positionIds, batch, length, fail), 1);
    const turned = rotateHeads(b, x, rotated, intAttribute(node, 'interleaved', 0) === 1, rows(cosCache), rows(sinCache));
    return [shape.length === 3 ? b.reshape(b.transpose(turned, [0, 2, 1, 3]), shape) : turned];
  },
});

/** The cache rows at each position: [B, S, width] for [B, S] position ids, [1, S, width] for a start position. */
function cacheRows(b: LoweringBuilder, cache: string, positionIds: string, batch: number, length: number, fail: (what: string) => never): string {
  const idsShape = b.shape(positionIds);
  const width = b.shape(cache)[1] as number;
  if (idsShape.length === 2 && idsShape[0] === batch && idsShape[1] === length)
    return b.shaped('Gather', [cache, positionIds], [batch, length, width], { axis: { int: 0 } });
  if (idsShape.length !== 1 || idsShape[0] !== 1)
    fail(`position_ids "${positionIds}" has shape [${idsShape.join(', ')}]; it must be [${batch}, ${length}] or [1]`);
  const offsets = b.int64Constant(Array.from({ length }, (_, i) => i));
  const positions = b.shaped('Add', [positionIds, offsets], [length]);
  return b.reshape(b.shaped('Gather', [cache, positions], [length, width], { axis: { int: 0 } }), [1, length, width]);
}
