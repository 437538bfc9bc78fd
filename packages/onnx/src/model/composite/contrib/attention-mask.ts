import type { onnx } from '../../../proto/generated/onnx.js';
import { DataType } from '../../../proto/tensor.js';
import type { LoweringBuilder } from '../lowering-builder.js';
import { unloweredForm } from '../node-inputs.js';

/** What the keys a query may see depend on; scores are [B, heads, S, T]. */
export interface ContribMaskInputs {
  /** An int32 mask_index (Attention) or key_padding_mask (MultiHeadAttention). */
  readonly mask: string | undefined;
  readonly causal: boolean;
  readonly batch: number;
  readonly queryLength: number;
  readonly totalLength: number;
  /** Which mask shapes the op accepts (MultiHeadAttention takes no left padding). */
  readonly forms: readonly MaskForm[];
}

export type MaskForm = 'lengths' | 'left-padding' | 'raw 2-D' | 'raw 3-D';

/** float32's lowest value: what onnxruntime's kernels put at the keys causality hides. */
export const LOWEST = -3.4028234663852886e38;

/**
 * The bias onnxruntime's contrib attention adds to the scaled scores, [B, 1, S or 1, T] (or
 * [S, T] for causality alone): `mask_filter_value` (not −∞) at every key the mask disallows, so a
 * query row whose keys are all masked still averages them, as the kernel does; float32's lowest
 * value at the later keys of a `unidirectional` model, whatever mask_filter_value says. The mask
 * forms: key lengths (B) for right padding, end then start positions (2·B) for left padding, raw
 * 0/1 masks (B, T) and (B, S, T).
 */
export function contribMaskBias(b: LoweringBuilder, node: onnx.INodeProto, filterValue: number, inputs: ContribMaskInputs): string | undefined {
  const zero = b.floatConstant([0]);
  const allowed = inputs.mask ? maskAllowed(b, node, inputs.mask, inputs) : undefined;
  const maskBias = allowed ? b.shaped('Where', [allowed, zero, b.floatConstant([filterValue])], b.shape(allowed)) : undefined;
  if (!inputs.causal) return maskBias;
  const causal = causalAllowed(b, inputs);
  const shape = maskBias ? [inputs.batch, 1, inputs.queryLength, inputs.totalLength] : b.shape(causal);
  return b.shaped('Where', [causal, maskBias ?? zero, b.floatConstant([LOWEST])], shape);
}

function maskForm(shape: readonly number[], { batch, queryLength, totalLength }: ContribMaskInputs): MaskForm | undefined {
  if (shape.length === 1) return shape[0] === batch ? 'lengths' : shape[0] === 2 * batch ? 'left-padding' : undefined;
  if (shape[0] !== batch) return undefined;
  if (shape.length === 2) return shape[1] === totalLength ? 'raw 2-D' : undefined;
  if (shape.length === 3) return shape[1] === queryLength && shape[2] === totalLength ? 'raw 3-D' : undefined;
  return undefined;
}

/** Where the mask allows a key: bool [B, 1, S or 1, T]. */
function maskAllowed(b: LoweringBuilder, node: onnx.INodeProto, mask: string, inputs: ContribMaskInputs): string {
  const { batch, queryLength, totalLength } = inputs;
  const shape = b.shape(mask);
  const form = maskForm(shape, inputs);
  if (form === undefined || !inputs.forms.includes(form))
    throw unloweredForm(
      b,
      node,
      `mask "${mask}" of shape [${shape.join(', ')}] is none of the forms lowered: ${inputs.forms.join(', ')} (batch ${batch}, sequence ${queryLength}, total sequence ${totalLength})`,
    );
  if (b.knownDataType(mask) !== DataType.INT32) throw unloweredForm(b, node, `mask "${mask}" must be int32`);
  const values = b.shaped('Cast', [mask], shape, { to: { int: DataType.INT64 } });
  if (form === 'lengths' || form === 'left-padding') return paddingAllowed(b, values, form, inputs);
  const rows = form === 'raw 2-D' ? 1 : queryLength;
  const raw = b.reshape(values, [batch, 1, rows, totalLength]);
  return b.shaped('Greater', [raw, b.int64Constant([0], [])], [batch, 1, rows, totalLength]);
}

const keyIndices = (b: LoweringBuilder, length: number): string =>
  b.int64Constant(
    Array.from({ length }, (_, j) => j),
    [1, 1, 1, length],
  );

/** Keys before the end position (and, for left padding, from the start position on). */
function paddingAllowed(b: LoweringBuilder, values: string, form: MaskForm, { batch, totalLength }: ContribMaskInputs): string {
  const shape = [batch, 1, 1, totalLength];
  const keys = keyIndices(b, totalLength);
  const perBatch = (x: string): string => b.reshape(x, [batch, 1, 1, 1]);
  const ends = form === 'lengths' ? values : b.sliceAxis(values, 0, 0, batch);
  const beforeEnd = b.shaped('Less', [keys, perBatch(ends)], shape);
  if (form === 'lengths') return beforeEnd;
  // Not(Less) rather than GreaterOrEqual, which opset 11 lacks.
  const fromStart = b.shaped('Not', [b.shaped('Less', [keys, perBatch(b.sliceAxis(values, 0, batch, 2 * batch))], shape)], shape);
  return b.shaped('And', [beforeEnd, fromStart], shape);
}

/** Query i sees key j iff j ≤ i: a constant bool [S, T]. */
function causalAllowed(b: LoweringBuilder, { queryLength, totalLength }: ContribMaskInputs): string {
  const row = b.int64Constant(
    Array.from({ length: queryLength }, (_, i) => i),
    [queryLength, 1],
  );
  const column = b.int64Constant(
    Array.from({ length: totalLength }, (_, j) => j),
    [1, totalLength],
  );
  const shape = [queryLength, totalLength];
  return b.shaped('Not', [b.shaped('Greater', [column, row], shape)], shape);
}
