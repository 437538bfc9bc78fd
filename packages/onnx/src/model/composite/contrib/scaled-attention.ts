import { floatAttribute, hasAttribute } from '../../../graph/attributes.js';
import type { onnx } from '../../../proto/generated/onnx.js';
import { fromHeads, toHeads } from '../attention.js';
import type { LoweringBuilder } from '../lowering-builder.js';

/** Q [B, S, N·Hq], K [B, T, N·Hq], V [B, T, N·Hv] and the additive biases of the scores. */
export interface ScaledAttentionInputs {
  readonly query: string;
  readonly key: string;
  readonly value: string;
  readonly heads: number;
  /** Terms added to the scaled scores [B, N, S, T] (a mask's bias, attention_bias), each broadcasting to them. */
  readonly biases: readonly (string | undefined)[];
}

/** The attention output [B, S, N·Hv], and K and V per head (BNSH), which the contrib ops give as their present state. */
export interface ScaledAttention {
  readonly output: string;
  readonly keys: string;
  readonly values: string;
}

/**
 * softmax(Q·Kᵀ·scale + biases)·V per head, as onnxruntime's contrib Attention and
 * MultiHeadAttention compute it: `scale` defaults to 1/√(head size).
 */
export function scaledAttention(b: LoweringBuilder, node: onnx.INodeProto, inputs: ScaledAttentionInputs): ScaledAttention {
  const q = toHeads(b, inputs.query, inputs.heads);
  const k = toHeads(b, inputs.key, inputs.heads);
  const v = toHeads(b, inputs.value, inputs.heads);
  const [batch, heads, queryLength, headSize] = b.shape(q) as [number, number, number, number];
  const totalLength = b.shape(k)[2] as number;
  const scale = hasAttribute(node, 'scale') ? floatAttribute(node, 'scale', 1) : 1 / Math.sqrt(headSize);
  const product = b.shaped('MatMul', [q, b.transpose(k, [0, 1, 3, 2])], [batch, heads, queryLength, totalLength]);
  const scaled = b.times(product, b.floatConstant([scale]));
  const logits = inputs.biases.reduce<string>((sum, bias) => (bias ? b.plus(sum, bias) : sum), scaled);
  const weights = b.shaped('Softmax', [logits], b.shape(logits), { axis: { int: 3 } });
  const output = b.shaped('MatMul', [weights, v], [batch, heads, queryLength, b.shape(v)[3] as number]);
  return { output: fromHeads(b, output), keys: k, values: v };
}
