import type { GraphBuilder } from '../graph/builder.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { DataType } from '../proto/tensor.js';
import { LOWEST } from '../model/composite/contrib/attention-mask.js';
import type { DeclaredDims } from './pair.js';

/** What the mask bias of a contrib attention node reads: its int32 mask, the input it masks, and the options of the op. */
export interface ContribMaskSpec {
  /** mask_index (Attention) or key_padding_mask (MultiHeadAttention), if given. */
  readonly mask: string | undefined;
  /** A tensor [B, T, …] whose first two axes are the batch and the keys (read at run time). */
  readonly keys: string;
  readonly filterValue: number;
  readonly causal: boolean;
  /**
   * Whether the mask may be left padding (2·B) or a raw (B, S, T) mask, as Attention's may;
   * MultiHeadAttention's is key lengths (B) or (B, T) alone.
   */
  readonly attentionForms: boolean;
}

export const dimsKnown = (builder: GraphBuilder, declared: DeclaredDims, name: string): readonly (number | undefined)[] | undefined =>
  builder.hasShape(name) ? builder.shape(name) : declared(name);

const scalarOf = (builder: GraphBuilder, vector: string): string => builder.op('Squeeze', [vector, builder.int64Constant([0])]);

/** 0, 1, …, T − 1 (T read at run time from the keys' second axis), int64. */
function keyIndices(builder: GraphBuilder, keys: string): string {
  // Slice of Shape rather than Shape's start and end, which opset 15 brings.
  const shape = builder.op('Shape', [keys]);
  const total = scalarOf(builder, builder.op('Slice', [shape, builder.int64Constant([1]), builder.int64Constant([2])]));
  return builder.op('Range', [builder.int64Constant([0], []), total, builder.int64Constant([1], [])]);
}

/** A [B] vector as [B, 1, 1, 1], B read from the keys: a mask of another length fails to run rather than broadcast. */
function perBatch(builder: GraphBuilder, values: string, keys: string): string {
  const batch = builder.op('Slice', [builder.op('Shape', [keys]), builder.int64Constant([0]), builder.int64Constant([1])]);
  return builder.op('Reshape', [values, builder.op('Concat', [batch, builder.int64Constant([1, 1, 1])], { axis: { int: 0 } })]);
}

/**
 * Keys from the start position up to the end: a 1-D mask is key lengths (B), or end then start
 * positions (2·B, left padding), told apart at run time (the batch is often symbolic) by reading
 * starts from the mask followed by B zeros.
 */
function paddingAllowed(builder: GraphBuilder, values: string, keys: string): string {
  const shape = builder.op('Shape', [keys]);
  const batch = builder.op('Slice', [shape, builder.int64Constant([0]), builder.int64Constant([1])]);
  const twice = builder.op('Add', [batch, batch]);
  const ends = builder.op('Slice', [values, builder.int64Constant([0]), batch]);
  const padded = builder.op('Concat', [values, builder.op('Sub', [ends, ends])], { axis: { int: 0 } });
  const starts = builder.op('Slice', [padded, batch, twice]);
  const perBatch = (x: string): string => builder.reshape(x, [-1, 1, 1, 1]);
  const indices = builder.unsqueeze(keyIndices(builder, keys), [0, 1, 2]);
  // Not(Less) rather than GreaterOrEqual, which opset 11 lacks.
  return builder.op('And', [builder.op('Less', [indices, perBatch(ends)]), builder.op('Not', [builder.op('Less', [indices, perBatch(starts)])])]);
}

/**
 * Where the mask allows a key, bool [B, 1, 1 or S, T]: key lengths (B) or left padding (2·B), see
 * paddingAllowed; a raw 0/1 mask (B, T) or (B, S, T), keys whose entry is positive. A 4-D mask,
 * which onnxruntime's CPU kernel rejects, is refused, named.
 */
function maskAllowed(builder: GraphBuilder, declared: DeclaredDims, mask: string, { keys, attentionForms }: ContribMaskSpec): string {
  const dims = dimsKnown(builder, declared, mask);
  const type = builder.knownDataType(mask);
  if (type !== undefined && type !== DataType.INT32) throw new UnsupportedForm(`its mask "${mask}" must be int32`);
  if (!dims) throw new UnsupportedForm(`the rank of its mask "${mask}" is not known`);
  const values = builder.op('Cast', [mask], { to: { int: DataType.INT64 } });
  if (dims.length === 1)
    return attentionForms
      ? paddingAllowed(builder, values, keys)
      : builder.op('Less', [builder.unsqueeze(keyIndices(builder, keys), [0, 1, 2]), perBatch(builder, values, keys)]);
  if (dims.length === 2) return builder.op('Greater', [builder.unsqueeze(values, [1, 2]), builder.int64Constant([0], [])]);
  if (dims.length === 3 && attentionForms) return builder.op('Greater', [builder.unsqueeze(values, [1]), builder.int64Constant([0], [])]);
  const form = dims.length === 3 ? 'a raw (B, S, T) mask' : `a ${dims.length}-D mask`;
  const decomposed = attentionForms ? 'key lengths (B), left padding (2·B) and raw (B, T) and (B, S, T) masks' : 'key lengths (B) and a raw (B, T) mask';
  throw new UnsupportedForm(`its mask "${mask}" is ${form}; ${decomposed} are decomposed`);
}

/**
 * The additive bias onnxruntime's contrib attention gives the scaled scores, as the lowering
 * (contribMaskBias) builds it: `mask_filter_value` at each key the mask disallows, float32's lowest
 * value at the later keys of a `unidirectional` node; undefined when there is neither. Shapes are
 * read at run time (the batch is often symbolic).
 */
export function contribMaskBias(builder: GraphBuilder, declared: DeclaredDims, spec: ContribMaskSpec): string | undefined {
  const zero = builder.floatConstant([0]);
  const allowed = spec.mask ? maskAllowed(builder, declared, spec.mask, spec) : undefined;
  const maskBias = allowed ? builder.op('Where', [allowed, zero, builder.floatConstant([spec.filterValue])]) : undefined;
  if (!spec.causal) return maskBias;
  // Without a past the queries are the keys: query i sees key j iff j ≤ i. Not(Greater), as opset 11 has it.
  const indices = keyIndices(builder, spec.keys);
  const later = builder.op('Greater', [builder.unsqueeze(indices, [0]), builder.unsqueeze(indices, [1])]);
  return builder.op('Where', [builder.op('Not', [later]), maskBias ?? zero, builder.floatConstant([LOWEST])]);
}
