import { InvalidModelError } from '../../errors.js';
import { intAttribute } from '../../graph/attributes.js';
import type { CompositeOp } from './composite-op.js';
import type { LoweringBuilder } from './lowering-builder.js';

/**
 * RotaryEmbedding (opset 23): the first `rotary_embedding_dim` features of each head are rotated
 * pairwise, (x1, x2) → (cos·x1 − sin·x2, sin·x1 + cos·x2), the pairs being the two halves of the
 * rotated part or, when `interleaved`, its even and odd features; the rest passes through. The
 * caches are [positions, dim/2] read at `position_ids` [B, S], or [B, S, dim/2] without them.
 */
export const rotaryEmbedding: CompositeOp = {
  opType: 'RotaryEmbedding',
  since: 23,
  // position_ids (3) are integers: positions carry no gradient.
  differentiable: [0, 1, 2],
  refusal: () => undefined,
  lower(b, node) {
    const [input, cosCache, sinCache, positionIds] = node.input as [string, string, string, string | undefined];
    const fail = (what: string): never => {
      throw new InvalidModelError(`RotaryEmbedding node "${node.name}": ${what}`);
    };
    const shape = b.shape(input);
    if (shape.length !== 3 && shape.length !== 4) fail(`input "${input}" has shape [${shape.join(', ')}]; it must be 3-D or 4-D`);
    // The working layout keeps the input's own axis order: [B, H, S, D] (4-D) or [B, S, H, D] (3-D).
    const headsAxis = shape.length === 4 ? 1 : 2;
    let x = input;
    if (shape.length === 3) {
      const heads = intAttribute(node, 'num_heads', 0);
      const hidden = shape[2] as number;
      if (heads <= 0 || hidden % heads !== 0) fail(`3-D input "${input}" of hidden size ${hidden} needs num_heads dividing it (num_heads = ${heads})`);
      x = b.reshape(input, [shape[0] as number, shape[1] as number, heads, hidden / heads]);
    }
    const work = b.shape(x);
    const head = work[3] as number;
    const rotated = intAttribute(node, 'rotary_embedding_dim', 0) || head;
    if (rotated % 2 !== 0 || rotated > head) fail(`rotary_embedding_dim ${rotated} must be even and at most the head size ${head}`);
    const cos = cacheRows(b, cosCache, positionIds, headsAxis, rotated / 2, fail);
    const sin = cacheRows(b, sinCache, positionIds, headsAxis, rotated / 2, fail);
    const joined = rotateHeads(b, x, rotated, intAttribute(node, 'interleaved', 0) === 1, cos, sin);
    return [shape.length === 3 ? b.reshape(joined, shape) : joined];
  },
};

/** The cache rows for each (batch, position), with an axis of length 1 for the heads: rank 4. */
function cacheRows(b: LoweringBuilder, cache: string, positionIds: string | undefined, headsAxis: number, half: number, fail: (what: string) => never): string {
  const shape = b.shape(cache);
  let rows = cache;
  if (positionIds) {
    if (shape.length !== 2) fail(`cache "${cache}" has shape [${shape.join(', ')}]; with position_ids it must be 2-D`);
    rows = b.shaped('Gather', [cache, positionIds], [...b.shape(positionIds), shape[1] as number], { axis: { int: 0 } });
  } else if (shape.length !== 3) fail(`cache "${cache}" has shape [${shape.join(', ')}]; without position_ids it must be 3-D`);
  const width = b.shape(rows)[2];
  if (b.rank(rows) !== 3 || width !== half) fail(`cache "${cache}" rows have ${width} values; rotary_embedding_dim / 2 = ${half}`);
  return b.insertAxis(rows, headsAxis);
}

/**
 * x (rank 4, heads' features on the last axis) with its first `rotated` features rotated by the
 * cache rows `cos` and `sin` (broadcasting to [..., rotated / 2]); the rest passes through.
 */
export function rotateHeads(b: LoweringBuilder, x: string, rotated: number, interleaved: boolean, cos: string, sin: string): string {
  const head = b.shape(x)[3] as number;
  const toRotate = rotated === head ? x : b.sliceAxis(x, 3, 0, rotated);
  const turned = interleaved ? rotateInterleaved(b, toRotate, cos, sin) : rotateHalves(b, toRotate, cos, sin);
  return rotated === head ? turned : b.concatAxis([turned, b.sliceAxis(x, 3, rotated, head)], 3);
}

/** (x1, x2) → (cos·x1 − sin·x2, sin·x1 + cos·x2). */
function rotatePair(b: LoweringBuilder, x1: string, x2: string, cos: string, sin: string): [string, string] {
  return [b.minus(b.times(cos, x1), b.times(sin, x2)), b.plus(b.times(sin, x1), b.times(cos, x2))];
}

function rotateHalves(b: LoweringBuilder, x: string, cos: string, sin: string): string {
  const [x1, x2] = b.splitEqual(x, 3, 2) as [string, string];
  return b.concatAxis(rotatePair(b, x1, x2, cos, sin), 3);
}

/** Features 2i and 2i+1 form pair i: viewed as [..., dim/2, 2], the pairs lie along the last axis. */
function rotateInterleaved(b: LoweringBuilder, x: string, cos: string, sin: string): string {
  const shape = b.shape(x);
  const half = (shape[3] as number) / 2;
  const pairs = b.reshape(x, [...shape.slice(0, 3), half, 2]);
  const [x1, x2] = b.splitEqual(pairs, 4, 2) as [string, string];
  const column = (cache: string): string => b.insertAxis(cache, 4);
  return b.reshape(b.concatAxis(rotatePair(b, x1, x2, column(cos), column(sin)), 4), shape);
}
