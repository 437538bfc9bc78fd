import { checkConstantSize } from '../graph/builder.js';
import type { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../proto/tensor.js';
import { outputGrad, UnsupportedForm, type GradientRule, type NodeView } from './rule.js';
import { adjointOutputPadding, overhang, resolveWindow, type Window } from './window.js';

const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1);

interface PoolGeometry {
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
  readonly inSpatial: readonly number[];
  readonly outSpatial: readonly number[];
  readonly window: Window;
  /** Declared end pads plus any ceil-mode overhang. */
  readonly padsEnd: readonly number[];
  /** Attributes of a Conv/ConvTranspose with one channel that visits the same windows. */
  readonly convAttributes: Parameters<GraphBuilder['op']>[2];
  readonly adjointAttributes: Parameters<GraphBuilder['op']>[2];
}

function poolGeometry(node: NodeView, b: GraphBuilder): PoolGeometry {
  const xShape = b.shape(node.input(0));
  const yShape = b.shape(node.output(0));
  const inSpatial = xShape.slice(2);
  const outSpatial = yShape.slice(2);
  const kernel = node.ints('kernel_shape');
  if (!kernel) throw node.invalid('kernel_shape is required');
  const window = resolveWindow(node, inSpatial, outSpatial, kernel);
  const extra = overhang(window, inSpatial, outSpatial);
  const padsEnd = window.padsEnd.map((p, i) => p + (extra[i] as number));
  const convAttributes = {
    kernel_shape: { ints: kernel },
    strides: { ints: window.strides },
    dilations: { ints: window.dilations },
    pads: { ints: [...window.padsBegin, ...padsEnd] },
  };
  const outputPadding = adjointOutputPadding(window, inSpatial, outSpatial, padsEnd);
  if (outputPadding.some((p) => p < 0)) throw node.invalid('output shape does not match the window geometry');
  return { xShape, yShape, inSpatial, outSpatial, window, padsEnd, convAttributes, adjointAttributes: { ...convAttributes, output_padding: { ints: outputPadding } } };
}

/** Calls visit(outputFlat, positionFlat, inputIndexPerAxis) for every window element. */
function forEachWindowElement(
  geometry: PoolGeometry,
  visit: (outputFlat: number, elementFlat: number, indices: readonly number[]) => void,
): void {
  const { outSpatial, window } = geometry;
  const outCount = product(outSpatial);
  const kernelCount = product(window.kernel);
  const n = outSpatial.length;
  const indices = new Array<number>(n);
  for (let o = 0; o < outCount; o++) {
    for (let e = 0; e < kernelCount; e++) {
      let oRest = o;
      let eRest = e;
      for (let axis = n - 1; axis >= 0; axis--) {
        const oAxis = oRest % (outSpatial[axis] as number);
        const eAxis = eRest % (window.kernel[axis] as number);
        oRest = Math.floor(oRest / (outSpatial[axis] as number));
        eRest = Math.floor(eRest / (window.kernel[axis] as number));
        indices[axis] = oAxis * (window.strides[axis] as number) - (window.padsBegin[axis] as number) + eAxis * (window.dilations[axis] as number);
      }
      visit(o, e, indices);
    }
  }
}

/**
 * MaxPool without its Indices output (WebGPU cannot produce it): the windows are unfolded with a
 * one-hot convolution, the first element equal to the max in row-major window order takes the
 * gradient (PyTorch's tie rule), and a one-hot transposed convolution adds it back.
 */
export const maxPool: GradientRule = {
  opType: 'MaxPool',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    if (node.int('storage_order', 0) !== 0 && grads[1]) throw new UnsupportedForm('gradient of the Indices output');
    const geometry = poolGeometry(node, b);
    const { xShape, inSpatial, outSpatial, window } = geometry;
    const planes = (xShape[0] as number) * (xShape[1] as number);
    const kernelCount = product(window.kernel);
    checkConstantSize([kernelCount, kernelCount]);
    checkConstantSize([kernelCount, ...outSpatial]);
    const oneHot = new Float32Array(kernelCount * kernelCount);
    for (let e = 0; e < kernelCount; e++) oneHot[e * kernelCount + e] = 1;
    const oneHotWeights = b.floatConstant(oneHot, [kernelCount, 1, ...window.kernel]);
    const valid = new Float32Array(kernelCount * product(outSpatial));
    const outCount = product(outSpatial);
    forEachWindowElement(geometry, (o, e, indices) => {
      if (indices.every((i, axis) => i >= 0 && i < (inSpatial[axis] as number))) valid[e * outCount + o] = 1;
    });
    const validMask = b.op('Cast', [b.floatConstant(valid, [1, kernelCount, ...outSpatial])], { to: { int: DataType.BOOL } });

    const xPlanes = b.reshape(node.input(0), [planes, 1, ...inSpatial]);
    const unfolded = b.op('Conv', [xPlanes, oneHotWeights], geometry.convAttributes);
    const yPlanes = b.reshape(node.output(0), [planes, 1, ...outSpatial]);
    const isMax = b.toFloat(b.op('And', [b.op('Equal', [unfolded, yPlanes]), validMask]));
    const earlier = b.op('CumSum', [isMax, b.int64Constant([1], [])], { exclusive: { int: 1 } });
    const first = b.mul(isMax, b.op('Relu', [b.sub(b.floatConstant([1]), earlier)]));
    const routed = b.mul(first, b.reshape(g, [planes, 1, ...outSpatial]));
    const back = b.op('ConvTranspose', [routed, oneHotWeights], geometry.adjointAttributes);
    return [b.reshape(back, xShape)];
  },
};

/** Each output is the window mean, so each input receives g / (window count) from every window. */
export const averagePool: GradientRule = {
  opType: 'AveragePool',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const geometry = poolGeometry(node, b);
    const { xShape, inSpatial, outSpatial, window } = geometry;
    const includePad = node.int('count_include_pad', 0) === 1;
    const planes = (xShape[0] as number) * (xShape[1] as number);
    const outCount = product(outSpatial);
    checkConstantSize([product(window.kernel), ...outSpatial]);
    const counts = new Float32Array(outCount);
    forEachWindowElement(geometry, (o, _e, indices) => {
      const inside = indices.every((i, axis) =>
        includePad ? i < (inSpatial[axis] as number) + (window.padsEnd[axis] as number) : i >= 0 && i < (inSpatial[axis] as number),
      );
      if (inside) counts[o] = (counts[o] as number) + 1;
    });
    const inverse = counts.map((c) => (c > 0 ? 1 / c : 0));
    const scaled = b.mul(b.reshape(g, [planes, 1, ...outSpatial]), b.floatConstant(inverse, [1, 1, ...outSpatial]));
    const ones = b.floatConstant(new Float32Array(product(window.kernel)).fill(1), [1, 1, ...window.kernel]);
    const back = b.op('ConvTranspose', [scaled, ones], geometry.adjointAttributes);
    return [b.reshape(back, xShape)];
  },
};

export const globalAveragePool: GradientRule = {
  opType: 'GlobalAveragePool',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const x = node.input(0);
    const g = outputGrad(node, grads);
    if (b.hasShape(x)) return [b.expand(b.scale(g, 1 / product(b.shape(x).slice(2))), b.shape(x))];
    // Window size at run time: |x| / |y|.
    const count = b.op('Cast', [b.op('Div', [b.op('Size', [x]), b.op('Size', [node.output(0)])])], { to: { int: DataType.FLOAT } });
    return [b.expandLike(b.div(g, count), x)];
  },
};

/** The first maximum of each channel (row-major) takes the gradient. */
export const globalMaxPool: GradientRule = {
  opType: 'GlobalMaxPool',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const xShape = b.shape(node.input(0));
    const [n, c] = [xShape[0] as number, xShape[1] as number];
    const flat = b.reshape(node.input(0), [n, c, product(xShape.slice(2))]);
    const isMax = b.toFloat(b.op('Equal', [flat, b.reshape(node.output(0), [n, c, 1])]));
    const earlier = b.op('CumSum', [isMax, b.int64Constant([2], [])], { exclusive: { int: 1 } });
    const first = b.mul(isMax, b.op('Relu', [b.sub(b.floatConstant([1]), earlier)]));
    return [b.reshape(b.mul(first, b.reshape(g, [n, c, 1])), xShape)];
  },
};

export const poolingRules: readonly GradientRule[] = [maxPool, averagePool, globalAveragePool, globalMaxPool];
