import type { GraphBuilder } from '../../graph/builder.js';
import { DataType, isFloatType } from '../../proto/tensor.js';
import { dropTestAttributes } from './legacy.js';
import { outputGrad, withAffine, type GradientRule, type NodeView } from './rule.js';

/** A one-input op whose gradient is g times a local derivative built from x and y. */
export function unary(opType: string, since: number, local: (g: string, x: string, y: string, builder: GraphBuilder, node: NodeView) => string): GradientRule {
  return {
    opType,
    since,
    differentiable: [0],
    gradient(node, grads, builder) {
      return [local(outputGrad(node, grads), node.input(0), node.output(0), builder, node)];
    },
  };
}

export const identity = withAffine(
  unary('Identity', 1, (g) => g),
  { in: () => true },
);
// Inference-mode Dropout is the identity on output 0; the mask output carries no gradient.
export const dropout: GradientRule = { ...unary('Dropout', 7, (g) => g), legacy: dropTestAttributes };
export const neg = unary('Neg', 6, (g, _x, _y, b) => b.neg(g));
// sign(x)·g without Sign (no WebGPU kernel in onnxruntime-web); abs'(0) = 0 as in PyTorch.
export const abs = unary('Abs', 6, (g, x, _y, b) => {
  const zero = b.floatConstant([0]);
  return b.op('Where', [b.op('Greater', [x, zero]), g, b.op('Where', [b.op('Less', [x, zero]), b.neg(g), zero])]);
});
export const exp = unary('Exp', 6, (g, _x, y, b) => b.mul(g, y));
export const log = unary('Log', 6, (g, x, _y, b) => b.div(g, x));
export const sqrt = unary('Sqrt', 6, (g, _x, y, b) => b.div(b.scale(g, 0.5), y));
export const reciprocal = unary('Reciprocal', 6, (g, _x, y, b) => b.neg(b.mul(g, b.mul(y, y))));
export const sin = unary('Sin', 7, (g, x, _y, b) => b.mul(g, b.op('Cos', [x])));
export const cos = unary('Cos', 7, (g, x, _y, b) => b.neg(b.mul(g, b.op('Sin', [x]))));
// d erf(x)/dx = 2/√π · exp(−x²).
export const erf = unary('Erf', 9, (g, x, _y, b) => b.mul(b.scale(g, 2 / Math.sqrt(Math.PI)), b.op('Exp', [b.neg(b.mul(x, x))])));

const one = (b: GraphBuilder): string => b.floatConstant([1]);
const square = (b: GraphBuilder, x: string): string => b.mul(x, x);
export const tan = unary('Tan', 7, (g, _x, y, b) => b.mul(g, b.add(one(b), square(b, y))));
export const asin = unary('Asin', 7, (g, x, _y, b) => b.div(g, b.op('Sqrt', [b.sub(one(b), square(b, x))])));
export const acos = unary('Acos', 7, (g, x, _y, b) => b.neg(b.div(g, b.op('Sqrt', [b.sub(one(b), square(b, x))]))));
export const atan = unary('Atan', 7, (g, x, _y, b) => b.div(g, b.add(one(b), square(b, x))));
export const sinh = unary('Sinh', 9, (g, x, _y, b) => b.mul(g, b.op('Cosh', [x])));
export const cosh = unary('Cosh', 9, (g, x, _y, b) => b.mul(g, b.op('Sinh', [x])));
export const asinh = unary('Asinh', 9, (g, x, _y, b) => b.div(g, b.op('Sqrt', [b.add(square(b, x), one(b))])));
// Defined for x ≥ 1; at x = 1 the derivative is infinite, as in PyTorch.
export const acosh = unary('Acosh', 9, (g, x, _y, b) => b.div(g, b.op('Sqrt', [b.sub(square(b, x), one(b))])));
export const atanh = unary('Atanh', 9, (g, x, _y, b) => b.div(g, b.sub(one(b), square(b, x))));
const trigonometric = [tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh];

/** The gradient goes back in the input's own float type. */
export const cast: GradientRule = {
  opType: 'Cast',
  since: 6,
  differentiable: [0],
  gradient(node, grads, builder) {
    const g = outputGrad(node, grads);
    const from = builder.dataType(node.input(0));
    // An integer input is a quantized value on the path (see quantization.ts): its gradient stays float.
    if (!isFloatType(from)) return [g];
    return [from === DataType.FLOAT && builder.dataType(node.output(0)) === DataType.FLOAT ? g : builder.op('Cast', [g], { to: { int: from } })];
  },
};

export const unaryRules: readonly GradientRule[] = [identity, dropout, neg, abs, exp, log, sqrt, reciprocal, sin, cos, erf, cast, ...trigonometric];
