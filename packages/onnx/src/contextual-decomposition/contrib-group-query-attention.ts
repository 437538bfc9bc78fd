import { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { floatAttribute, hasAttribute, intAttribute } from '../graph/attributes.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { DataType } from '../proto/tensor.js';
import { LOWEST } from '../model/composite/contrib/attention-mask.js';
import { groupQueryAttention as groupQueryAttentionLowering } from '../model/composite/contrib/group-query-attention.js';
import { optionalInput } from '../model/composite/node-inputs.js';
import { attentionWeights, matMul } from './attention-op.js';
import { fromHeads, partwise, repeatHeads, shapeSource, toHeads } from './attention-layout.js';
import { isPair, type Carried, type PairRule } from './pair.js';

const SEQLENS_K = 5;
const [COS_CACHE, SIN_CACHE] = [7, 8];
const ATTENTION_BIAS = 10;

/** 0 where query i of batch b sees key j (j ≤ i and j ≤ seqlens_k[b]), float32's lowest elsewhere: [B, 1, S, S], S read at run time. */
function visibleKeysBias(builder: GraphBuilder, seqlens: string, keys: string): string {
  const total = builder.op('Squeeze', [
    builder.op('Slice', [builder.op('Shape', [keys]), builder.int64Constant([1]), builder.int64Constant([2])]),
    builder.int64Constant([0]),
  ]);
  const indices = builder.op('Range', [builder.int64Constant([0], []), total, builder.int64Constant([1], [])]);
  const columns = builder.unsqueeze(indices, [0, 1, 2]);
  const later = builder.op('Greater', [columns, builder.unsqueeze(indices, [0, 1, 3])]);
  const lastKey = builder.op('Reshape', [builder.op('Cast', [seqlens], { to: { int: DataType.INT64 } }), builder.int64Constant([-1, 1, 1, 1])]);
  const hidden = builder.op('Or', [later, builder.op('Greater', [columns, lastKey])]);
  return builder.op('Where', [hidden, builder.floatConstant([LOWEST]), builder.floatConstant([0])]);
}

/** x [B, heads, S, H] rotated at positions 0…S−1 by onnxruntime's RotaryEmbedding kernel, on each part (the rotation is linear). */
function rotated(builder: GraphBuilder, node: onnx.INodeProto, x: Carried): Carried {
  if (intAttribute(node, 'do_rotary', 0) !== 1) return x;
  const start = builder.int64Constant([0]);
  const attribute = [
    onnx.AttributeProto.create({ name: 'interleaved', type: onnx.AttributeProto.AttributeType.INT, i: intAttribute(node, 'rotary_interleaved', 0) }),
  ];
  const rotate = (part: string): string => {
    const output = builder.fresh('RotaryEmbedding');
    builder.nodes.push(
      onnx.NodeProto.create({
        opType: 'RotaryEmbedding',
        domain: 'com.microsoft',
        name: builder.fresh('RotaryEmbedding_node'),
        input: [part, start, node.input?.[COS_CACHE] as string, node.input?.[SIN_CACHE] as string],
        output: [output],
        attribute,
      }),
    );
    return output;
  };
  return partwise(x, rotate, true);
}

/**
 * com.microsoft.GroupQueryAttention on a prompt without a cache, decomposed as its lowering's
 * standard ops are: Q, K and V to heads (parts or constants), rotated with `do_rotary` (each part
 * through onnxruntime's RotaryEmbedding, the rotation being linear), each key/value head repeated
 * for its group of query heads, Q·Kᵀ·scale by the CD product rule, the causal and seqlens_k mask
 * (plus attention_bias) kept inside the Softmax rule's split, weights·V by the product rule.
 */
export const groupQueryAttention: PairRule = (node, inputs, builder) => {
  const reason = groupQueryAttentionLowering.refusal(node, builder.opset);
  if (reason) throw new UnsupportedForm(reason);
  if (node.output?.[1] || node.output?.[2])
    throw new UnsupportedForm('its present_key or present_value output is named; only the attended values are decomposed');
  const dependent = [SEQLENS_K, COS_CACHE, SIN_CACHE, ATTENTION_BIAS].find((index) => isPair(inputs[index]));
  if (dependent !== undefined)
    throw new UnsupportedForm(`input ${dependent} ("${node.input?.[dependent] ?? ''}") depends on the model input; it is held fixed`);
  const heads = intAttribute(node, 'num_heads', 0);
  const kvHeads = intAttribute(node, 'kv_num_heads', 0);
  if (heads <= 0 || kvHeads <= 0 || heads % kvHeads !== 0) throw new UnsupportedForm(`num_heads ${heads} is not a multiple of kv_num_heads ${kvHeads}`);
  const perHead = (x: Carried, count: number): Carried => partwise(x, (part) => toHeads(builder, part, count), true);
  const [q3, k3, v3] = inputs as [Carried, Carried, Carried];
  const q = rotated(builder, node, perHead(q3, heads));
  const repeat = (x: Carried): Carried => partwise(x, (part) => repeatHeads(builder, part, heads / kvHeads), heads === kvHeads);
  const keys = partwise(repeat(rotated(builder, node, perHead(k3, kvHeads))), (part) => builder.transpose(part, [0, 1, 3, 2]), true);
  const size = builder.toFloat(builder.op('Slice', [builder.op('Shape', [shapeSource(q)]), builder.int64Constant([3]), builder.int64Constant([4])]));
  const scale = hasAttribute(node, 'scale')
    ? builder.floatConstant([floatAttribute(node, 'scale', 1)])
    : builder.op('Reciprocal', [builder.op('Sqrt', [size])]);
  const scores = partwise(matMul(builder, q, keys), (part) => builder.mul(part, scale));
  const mask = visibleKeysBias(builder, node.input?.[SEQLENS_K] as string, shapeSource(q3));
  const attentionBias = optionalInput(node, ATTENTION_BIAS);
  const weights = attentionWeights(builder, scores, attentionBias ? builder.add(mask, attentionBias) : mask, false);
  const output = matMul(builder, weights, repeat(perHead(v3, kvHeads)));
  return [partwise(output, (part) => fromHeads(builder, part), true)];
};
