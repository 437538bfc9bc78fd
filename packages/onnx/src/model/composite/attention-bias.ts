import { InvalidModelError, UnknownShapeError, UnsupportedOpError } from '../../errors.js';
import { DataType } from '../../proto/tensor.js';
import type { onnx } from '../../proto/generated/onnx.js';
import type { LoweringBuilder } from './lowering-builder.js';

/** What the additive attention bias is built from; scores are [B, q heads, Sq, T] (T: past + new keys). */
export interface BiasInputs {
  readonly mask: string | undefined;
  readonly nonpadLengths: string | undefined;
  readonly causal: boolean;
  readonly batch: number;
  readonly queryLength: number;
  readonly totalLength: number;
  readonly pastLength: number;
}

export interface AttentionBias {
  /** The bias added to the scores (0 or −∞ where keys are disallowed; a float mask's values). */
  readonly bias: string | undefined;
  /** Whether some query row may have every key disallowed (its bias all −∞). */
  readonly mayMaskRows: boolean;
}

const FLOAT_MASKS = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16]);

/**
 * The sum of the biases of `attn_mask` (a boolean mask's false is −∞, a float mask is added), of
 * causality (query i sees key j iff j ≤ i + offset, the offset being the past length, or per batch
 * nonpad_kv_seqlen − Sq for an external cache) and of `nonpad_kv_seqlen` (keys from it on are −∞).
 */
export function attentionBias(b: LoweringBuilder, node: onnx.NodeProto, inputs: BiasInputs): AttentionBias {
  const terms: string[] = [];
  if (inputs.mask) terms.push(maskBias(b, node, inputs.mask, inputs));
  if (inputs.causal) terms.push(inputs.nonpadLengths ? externalCausalBias(b, inputs.nonpadLengths, inputs) : causalBias(b, inputs));
  if (inputs.nonpadLengths) terms.push(paddingBias(b, inputs.nonpadLengths, inputs));
  const bias = terms.reduce<string | undefined>((sum, term) => (sum ? b.plus(sum, term) : term), undefined);
  // Causality alone leaves key 0 to every row: only a mask or padding can disallow a whole row.
  return { bias, mayMaskRows: inputs.mask !== undefined || inputs.nonpadLengths !== undefined };
}

/** 0 where `allowed`, −∞ elsewhere. */
function selectBias(b: LoweringBuilder, allowed: string): string {
  return b.shaped('Where', [allowed, b.floatConstant([0]), b.floatConstant([-Infinity])], b.shape(allowed));
}

function maskBias(b: LoweringBuilder, node: onnx.NodeProto, mask: string, inputs: BiasInputs): string {
  const shape = b.shape(mask);
  const target = [inputs.batch, -1, inputs.queryLength, inputs.totalLength];
  // From opset 24 a mask may stop short of the total length: the keys past it are masked.
  const last = shape.length - 1;
  const short = b.opset >= 24 && (shape[last] as number) < inputs.totalLength;
  const fits =
    shape.length >= 1 &&
    shape.length <= 4 &&
    shape.every((d, i) => d === 1 || target[4 - shape.length + i] === -1 || d === target[4 - shape.length + i] || (i === last && short));
  if (!fits) {
    const expected = `[${inputs.batch}, heads, ${inputs.queryLength}, ${inputs.totalLength}]`;
    throw new InvalidModelError(`Attention node "${node.name}": attn_mask "${mask}" of shape [${shape.join(', ')}] does not broadcast to ${expected}`);
  }
  // A boolean and a float mask mean different things: the type must be known, not assumed.
  const type = b.knownDataType(mask);
  if (type === undefined) throw new UnknownShapeError(mask, 'element type');
  if (type !== DataType.BOOL && !FLOAT_MASKS.has(type)) {
    const reason = `attn_mask "${mask}" has element type ${type}; only boolean and float masks are lowered`;
    throw new UnsupportedOpError([{ opType: 'Attention', domain: '', nodeName: node.name, output: node.output[0] ?? '', opset: b.opset, reason }]);
  }
  const bias = type === DataType.BOOL ? selectBias(b, mask) : mask;
  if (!short) return bias;
  const padding = shape.map((d, i) => (i === last ? inputs.totalLength - d : d));
  return b.concatAxis([bias, b.expand(b.floatConstant([-Infinity]), padding)], last);
}

/** Query i sees key j iff j ≤ i + past length: a constant [Sq, T]. */
function causalBias(b: LoweringBuilder, inputs: BiasInputs): string {
  const { queryLength, totalLength, pastLength } = inputs;
  const values = new Float32Array(queryLength * totalLength);
  for (let i = 0; i < queryLength; i++) for (let j = 0; j < totalLength; j++) values[i * totalLength + j] = j <= i + pastLength ? 0 : -Infinity;
  return b.floatConstant(values, [queryLength, totalLength]);
}

const keyIndices = (b: LoweringBuilder, length: number): string =>
  b.int64Constant(
    Array.from({ length }, (_, j) => j),
    [1, 1, 1, length],
  );

const lengthsPerBatch = (b: LoweringBuilder, lengths: string, batch: number): string => b.reshape(lengths, [batch, 1, 1, 1]);

/** Query i of batch n sees key j iff j ≤ i + nonpad_kv_seqlen[n] − Sq: [B, 1, Sq, T]. */
function externalCausalBias(b: LoweringBuilder, lengths: string, inputs: BiasInputs): string {
  const { batch, queryLength, totalLength } = inputs;
  const firstOffsets = b.int64Constant(
    Array.from({ length: queryLength }, (_, i) => i - queryLength),
    [1, 1, queryLength, 1],
  );
  const frontier = b.plus(firstOffsets, lengthsPerBatch(b, lengths, batch));
  const beyond = b.shaped('Greater', [keyIndices(b, totalLength), frontier], [batch, 1, queryLength, totalLength]);
  return b.shaped('Where', [beyond, b.floatConstant([-Infinity]), b.floatConstant([0])], b.shape(beyond));
}

/** Keys at or past nonpad_kv_seqlen[n] are padding: [B, 1, 1, T]. */
function paddingBias(b: LoweringBuilder, lengths: string, inputs: BiasInputs): string {
  const { batch, totalLength } = inputs;
  const allowed = b.shaped('Less', [keyIndices(b, totalLength), lengthsPerBatch(b, lengths, batch)], [batch, 1, 1, totalLength]);
  return selectBias(b, allowed);
}
