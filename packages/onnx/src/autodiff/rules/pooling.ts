import { checkConstantSize } from '../../graph/builder.js';
import type { GraphBuilder } from '../../graph/builder.js';
import { DataType } from '../../proto/tensor.js';
import { maxPool } from './max-pool.js';
import { outputGrad, type GradientRule, type NodeView } from './rule.js';
import { adjointOutputPadding, windowGeometry, type WindowGeometry } from './window.js';

const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1);

interface PoolGeometry extends WindowGeometry {
  /** Declared end pads plus any ceil-mode overhang. */
  readonly padsEnd: readonly number[];
  /** Attributes of a Conv/ConvTranspose with one channel that visits the same windows. */
  readonly convAttributes: Parameters<GraphBuilder['op']>[2];
  readonly adjointAttributes: Parameters<GraphBuilder['op']>[2];
}

function poolGeometry(node: NodeView, b: GraphBuilder): PoolGeometry {
  const { xShape, yShape, inSpatial, outSpatial, window, extra } = windowGeometry(node, b);
  const padsEnd = window.padsEnd.map((p, i) => p + (extra[i] as number));
  const convAttributes = {
    kernel_shape: { ints: window.kernel },
    strides: { ints: window.strides },
    dilations: { ints: window.dilations },
    pads: { ints: [...window.padsBegin, ...padsEnd] },
  };
  const outputPadding = adjointOutputPadding(window, inSpatial, outSpatial, padsEnd);
  if (outputPadding.some((p) => p < 0)) throw node.invalid('output shape does not match the window geometry');
  return {
    xShape,
    yShape,
    inSpatial,
    outSpatial,
    window,
    extra,
    padsEnd,
    convAttributes,
    adjointAttributes: { ...convAttributes, output_padding: { ints: outputPadding } },
  };
}

/** Calls visit(outputFlat, positionFlat, inputIndexPerAxis) for every window element. */
function forEachWindowElement(geometry: PoolGeometry, visit: (outputFlat: number, elementFlat: number, indices: readonly number[]) => void): void {
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
