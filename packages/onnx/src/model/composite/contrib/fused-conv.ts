import { floatsAttribute, hasAttribute, intAttribute, intsAttribute, stringAttribute, type Attributes } from '../../../graph/attributes.js';
import type { onnx } from '../../../proto/generated/onnx.js';
import type { LoweringBuilder } from '../lowering-builder.js';
import { optionalInput } from '../node-inputs.js';
import { applyActivation } from './fused-activation.js';
import { contribOp } from './contrib-op.js';

/** The activations onnxruntime's FusedConv kernel accepts, with their activation_params count. */
const CONV_ACTIVATIONS: Readonly<Record<string, number>> = { Relu: 0, Tanh: 0, Sigmoid: 0, LeakyRelu: 1, Clip: 2, HardSigmoid: 2 };

/** The activation and its parameters, or the reason the node is refused. */
export function convActivation(node: onnx.INodeProto): { activation?: string; params: number[] } | string {
  if (!hasAttribute(node, 'activation')) return { params: [] };
  const activation = stringAttribute(node, 'activation', '');
  const count = CONV_ACTIVATIONS[activation];
  if (count === undefined) return `activation "${activation}" (onnxruntime fuses ${Object.keys(CONV_ACTIVATIONS).join(', ')})`;
  const params = floatsAttribute(node, 'activation_params') ?? [];
  if (params.length !== count) return `activation_params has ${params.length} values; ${activation} takes ${count}`;
  return { activation, params };
}

/** The Conv attributes a FusedConv (or QLinearConv) node carries, as the standard Conv reads them. */
export function convAttributes(node: onnx.INodeProto): Attributes {
  const attributes: Record<string, Attributes[string]> = {};
  for (const name of ['dilations', 'kernel_shape', 'pads', 'strides']) {
    const values = intsAttribute(node, name);
    if (values) attributes[name] = { ints: values };
  }
  if (hasAttribute(node, 'auto_pad')) attributes.auto_pad = { string: stringAttribute(node, 'auto_pad', 'NOTSET') };
  if (hasAttribute(node, 'group')) attributes.group = { int: intAttribute(node, 'group', 1) };
  return attributes;
}

/**
 * com.microsoft.FusedConv, which onnxruntime's optimizer writes for a Conv followed by an
 * activation (and by an Add of another tensor, its fourth input Z): act(Conv(X, W, B) + Z).
 */
export const fusedConv = contribOp({
  opType: 'FusedConv',
  // As the standard Conv's rule: the weights are not differentiated.
  differentiable: [0, 2, 3],
  refusal(node) {
    const activation = convActivation(node);
    return typeof activation === 'string' ? activation : undefined;
  },
  lower(b, node) {
    const [x, w] = node.input as [string, string];
    const bias = optionalInput(node, 2);
    const sum = optionalInput(node, 3);
    const inputs = bias ? [x, w, bias] : [x, w];
    const attributes = convAttributes(node);
    const sameShape = sameOutputShape(b, node, x, w);
    const conv = sameShape ? b.shaped('Conv', inputs, sameShape, attributes) : b.inferred('Conv', inputs, attributes);
    const summed = sum ? b.plus(conv, sum) : conv;
    const { activation, params } = convActivation(node) as { activation?: string; params: number[] };
    return [activation ? applyActivation(b, summed, activation, params) : summed];
  },
});

/** The output shape under auto_pad SAME_UPPER or SAME_LOWER (each spatial length ⌈in/stride⌉), else undefined. */
function sameOutputShape(b: LoweringBuilder, node: onnx.INodeProto, x: string, w: string): number[] | undefined {
  if (!stringAttribute(node, 'auto_pad', 'NOTSET').startsWith('SAME')) return undefined;
  const [batch, , ...spatial] = b.shape(x) as number[];
  const strides = intsAttribute(node, 'strides') ?? [];
  return [batch as number, b.shape(w)[0] as number, ...spatial.map((length, i) => Math.ceil(length / (strides[i] ?? 1)))];
}
