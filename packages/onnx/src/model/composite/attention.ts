import { InvalidModelError } from '../../errors.js';
import { floatAttribute, hasAttribute, intAttribute } from '../../graph/attributes.js';
import { attentionBias } from './attention-bias.js';
import type { CompositeOp } from './composite-op.js';
import type { LoweringBuilder } from './lowering-builder.js';

const PAST_KEY = 4;
const PAST_VALUE = 5;
const NONPAD_KV_SEQLEN = 6;

/**
 * Attention (opset 23; opset 24 adds `nonpad_kv_seqlen`): softmax(softcap(Q·Kᵀ·scale) + bias)·V
 * per head, K and V repeated over the query heads of their group (grouped-query attention) and
 * prefixed by the past cache. A query row with every key disallowed gives zeros, as onnxruntime
 * does. `softmax_precision` is ignored: the working copy is float32 throughout.
 */
export const attention: CompositeOp = {
  opType: 'Attention',
  since: 23,
  // nonpad_kv_seqlen (6) is an integer tensor.
  differentiable: [0, 1, 2, 3, 4, 5],
  refusal(node) {
    const input = (index: number): boolean => Boolean(node.input?.[index]);
    if (input(PAST_KEY) !== input(PAST_VALUE)) return 'past_key and past_value must be given together';
    if (input(PAST_KEY) && input(NONPAD_KV_SEQLEN)) return 'nonpad_kv_seqlen with past_key and past_value';
    for (const name of ['left_window_size', 'right_window_size'])
      if (intAttribute(node, name, -1) !== -1) return `${name} ${intAttribute(node, name, -1)} (sliding-window attention)`;
    const mode = intAttribute(node, 'qk_matmul_output_mode', 0);
    if (node.output?.[3] && (mode < 0 || mode > 3)) return `qk_matmul_output_mode ${mode} (0 to 3 are defined)`;
    return undefined;
  },
  lower(b, node) {
    const [q3, k3, v3, mask, pastKey, pastValue, nonpad] = node.input as (string | undefined)[] as [string, string, string, ...(string | undefined)[]];
    const fail = (what: string): never => {
      throw new InvalidModelError(`Attention node "${node.name}": ${what}`);
    };
    const rank = b.rank(q3);
    if (rank !== 3 && rank !== 4) fail(`Q "${q3}" has shape [${b.shape(q3).join(', ')}]; it must be 3-D or 4-D`);
    const heads = (name: string, attribute: string): number => {
      const count = rank === 4 ? (b.shape(name)[1] as number) : intAttribute(node, attribute, 0);
      if (rank === 3 && (count <= 0 || (b.shape(name)[2] as number) % count !== 0)) fail(`3-D input "${name}" needs ${attribute} dividing its hidden size`);
      return count;
    };
    const queryHeads = heads(q3, 'q_num_heads');
    const kvHeads = heads(k3, 'kv_num_heads');
    if (queryHeads % kvHeads !== 0) fail(`${queryHeads} query heads are not a multiple of ${kvHeads} key/value heads`);
    const valueHeads = rank === 4 ? (b.shape(v3)[1] as number) : kvHeads;
    if (valueHeads !== kvHeads) fail(`K "${k3}" has ${kvHeads} heads but V "${v3}" has ${valueHeads}`);
    const q = toHeads(b, q3, queryHeads);
    const withPast = (x: string, past: string | undefined): string => (past ? b.concatAxis([past, x], 2) : x);
    const presentKey = withPast(toHeads(b, k3, kvHeads), pastKey);
    const presentValue = withPast(toHeads(b, v3, kvHeads), pastValue);
    const [batch, , queryLength, headSize] = b.shape(q) as [number, number, number, number];
    const totalLength = b.shape(presentKey)[2] as number;
    const keySize = b.shape(presentKey)[3];
    if (keySize !== headSize) fail(`the head size of K "${k3}" (${keySize}) is not the head size of Q "${q3}" (${headSize})`);
    // Q and K are each scaled by √scale, as the spec does against overflow.
    const rootScale = b.floatConstant([Math.sqrt(hasAttribute(node, 'scale') ? floatAttribute(node, 'scale', 1) : 1 / Math.sqrt(headSize))]);
    const keys = b.transpose(b.times(repeatHeads(b, presentKey, queryHeads), rootScale), [0, 1, 3, 2]);
    const product = b.shaped('MatMul', [b.times(q, rootScale), keys], [batch, queryHeads, queryLength, totalLength]);
    const softcap = floatAttribute(node, 'softcap', 0);
    const capped = softcap > 0 ? b.times(b.shaped('Tanh', [b.over(product, softcap)], b.shape(product)), b.floatConstant([softcap])) : product;
    const pastLength = pastKey ? (b.shape(pastKey)[2] as number) : 0;
    const causal = intAttribute(node, 'is_causal', 0) === 1;
    const { bias, mayMaskRows } = attentionBias(b, node, { mask, nonpadLengths: nonpad, causal, batch, queryLength, totalLength, pastLength });
    const guard = bias && mayMaskRows ? fullyMaskedRows(b, bias) : undefined;
    const logits = bias ? b.plus(capped, guard ? guard.safeBias : bias) : capped;
    const softmax = b.shaped('Softmax', [logits], b.shape(logits), { axis: { int: -1 } });
    const weights = guard ? b.times(softmax, guard.keep) : softmax;
    const values = repeatHeads(b, presentValue, queryHeads);
    const output = b.shaped('MatMul', [weights, values], [batch, queryHeads, queryLength, b.shape(values)[3] as number]);
    const qkOutput = node.output[3] ? qkMatmulOutput(b, intAttribute(node, 'qk_matmul_output_mode', 0), [product, capped, bias, weights]) : undefined;
    return [rank === 3 ? fromHeads(b, output) : output, presentKey, presentValue, qkOutput];
  },
};

/** The scores as Q·Kᵀ (mode 0), softcapped (1), with the bias (2), or the attention weights (3). */
function qkMatmulOutput(b: LoweringBuilder, mode: number, [product, capped, bias, weights]: [string, string, string | undefined, string]): string | undefined {
  if (mode === 2) return bias ? b.plus(capped, bias) : capped;
  return [product, capped, undefined, weights][mode];
}

/** [B, S, heads·size] → [B, heads, S, size]; a 4-D input is already so. */
export function toHeads(b: LoweringBuilder, x: string, heads: number): string {
  const shape = b.shape(x);
  if (shape.length === 4) return x;
  const [batch, length, hidden] = shape as [number, number, number];
  return b.transpose(b.reshape(x, [batch, length, heads, hidden / heads]), [0, 2, 1, 3]);
}

/** [B, heads, S, size] → [B, S, heads·size]. */
export function fromHeads(b: LoweringBuilder, x: string): string {
  const [batch, heads, length, size] = b.shape(x) as [number, number, number, number];
  return b.reshape(b.transpose(x, [0, 2, 1, 3]), [batch, length, heads * size]);
}

/** Each key/value head repeated for the query heads of its group: [h0, h0, h1, h1, …]. */
export function repeatHeads(b: LoweringBuilder, x: string, queryHeads: number): string {
  const [batch, heads, length, size] = b.shape(x) as [number, number, number, number];
  if (heads === queryHeads) return x;
  const grouped = b.expand(b.insertAxis(x, 2), [batch, heads, queryHeads / heads, length, size]);
  return b.reshape(grouped, [batch, queryHeads, length, size]);
}

/**
 * Rows whose bias is −∞ at every key: their bias is replaced by 0 (a finite softmax, so no NaN
 * reaches the gradient) and their weights by 0 (`keep`), which gives onnxruntime's zero rows.
 */
function fullyMaskedRows(b: LoweringBuilder, bias: string): { safeBias: string; keep: string } {
  const shape = b.shape(bias);
  const last = shape.length - 1;
  const rowShape = shape.map((d, i) => (i === last ? 1 : d));
  const rowMax = b.shaped('ReduceMax', [bias, b.int64Constant([last])], rowShape, { keepdims: { int: 1 } });
  const masked = b.shaped('Equal', [rowMax, b.floatConstant([-Infinity])], rowShape);
  const zero = b.floatConstant([0]);
  return {
    safeBias: b.shaped('Where', [masked, zero, bias], shape),
    keep: b.shaped('Where', [masked, zero, b.floatConstant([1])], rowShape),
  };
}
