import type { onnx } from '../../proto/generated/onnx.js';
import { intAttribute, intsAttribute, stringAttribute } from '../../graph/attributes.js';
import { DataType } from '../../proto/tensor.js';
import type { CompositeOp } from './composite-op.js';
import type { LoweringBuilder } from './lowering-builder.js';
import { unloweredForm } from './node-inputs.js';
import { poolWindows } from './pool-windows.js';

/** |x|^p, written so that its gradient is finite and exact at 0 (x² for p = 2). */
function powerOfAbs(b: LoweringBuilder, x: string, p: number): string {
  if (p === 2) return b.times(x, x);
  const magnitude = b.shaped('Abs', [x], b.shape(x));
  return p === 1 ? magnitude : b.shaped('Pow', [magnitude, b.floatConstant([p])], b.shape(x));
}

/**
 * s^(1/p) for sums s ≥ 0 of |x|^p. Where s = 0 (a window of zeros) the p-norm has no gradient:
 * (1/p)·s^(1/p − 1) is infinite there, and times the 0 of d|x|^p it would give NaN. The root is
 * taken of s + (1 − [s > 0]) instead and multiplied by [s > 0]: the same value everywhere, and a
 * gradient of 0 where the window is all zeros, which is what PyTorch's LPPool gives there too.
 */
function root(b: LoweringBuilder, sum: string, p: number): string {
  if (p === 1) return sum;
  const shape = b.shape(sum);
  const positive = b.shaped('Cast', [b.shaped('Greater', [sum, b.floatConstant([0])], shape)], shape, { to: { int: DataType.FLOAT } });
  const safe = b.plus(sum, b.minus(b.floatConstant([1]), positive));
  return b.times(b.shaped('Pow', [safe, b.floatConstant([1 / p])], shape), positive);
}

function exponent(b: LoweringBuilder, node: onnx.INodeProto): number {
  const p = intAttribute(node, 'p', 2);
  if (p < 1) throw unloweredForm(b, node, `p is ${p}; the lowering covers p ≥ 1`);
  return p;
}

/**
 * LpPool (opsets 11 and 18, with dilations and ceil_mode from 18): (Σ_window |x|^p)^(1/p), the
 * window sums as a depthwise Conv with a kernel of ones (padding adds zeros, as in the op).
 */
export const lpPool: CompositeOp = {
  opType: 'LpPool',
  since: 2,
  differentiable: 'all',
  refusal: () => undefined,
  lower(b, node) {
    const x = node.input[0] as string;
    const shape = b.shape(x);
    const p = exponent(b, node);
    const kernel = intsAttribute(node, 'kernel_shape');
    if (!kernel || kernel.length !== shape.length - 2 || shape.length < 3)
      throw unloweredForm(b, node, `kernel_shape [${(kernel ?? []).join(', ')}] does not fit input "${x}" of shape [${shape.join(', ')}]`);
    const spatial = kernel.length;
    const windows = poolWindows({
      lengths: shape.slice(2),
      kernel,
      strides: intsAttribute(node, 'strides') ?? kernel.map(() => 1),
      dilations: intsAttribute(node, 'dilations') ?? kernel.map(() => 1),
      pads: intsAttribute(node, 'pads') ?? new Array<number>(2 * spatial).fill(0),
      autoPad: stringAttribute(node, 'auto_pad', 'NOTSET'),
      ceilMode: intAttribute(node, 'ceil_mode', 0) !== 0,
    });
    if (typeof windows === 'string') throw unloweredForm(b, node, windows);
    const channels = shape[1] as number;
    const ones = b.floatConstant(new Float32Array(channels * kernel.reduce((a, k) => a * k, 1)).fill(1), [channels, 1, ...kernel]);
    const sums = b.shaped('Conv', [powerOfAbs(b, x, p), ones], [shape[0] as number, channels, ...windows.outputs], {
      kernel_shape: { ints: kernel },
      strides: { ints: windows.strides },
      dilations: { ints: windows.dilations },
      pads: { ints: windows.pads },
      group: { int: channels },
    });
    return [root(b, sums, p)];
  },
};

/** GlobalLpPool: (Σ |x|^p)^(1/p) over all spatial axes, kept as axes of length 1. */
export const globalLpPool: CompositeOp = {
  opType: 'GlobalLpPool',
  since: 2,
  differentiable: 'all',
  refusal: () => undefined,
  lower(b, node) {
    const x = node.input[0] as string;
    const shape = b.shape(x);
    if (shape.length < 3) throw unloweredForm(b, node, `input "${x}" has shape [${shape.join(', ')}]; it needs [batch, channels, spatial…]`);
    const axes = shape.slice(2).map((_, i) => i + 2);
    const p = exponent(b, node);
    const sums = b.reduceSum(powerOfAbs(b, x, p), axes, true);
    b.setShape(
      sums,
      shape.map((d, i) => (i < 2 ? d : 1)),
    );
    return [root(b, sums, p)];
  },
};
