import type { Attributes } from '../../graph/attributes.js';
import { outputGrad, UnsupportedForm, type GradientRule } from './rule.js';
import { convInputGradient } from './conv-adjoint.js';
import { stridedConvInputGradient } from './conv-polyphase.js';
import { adjointOutputPadding, resolveWindow } from './window.js';

/**
 * dX of a convolution is the transposed convolution of g with the same weights and geometry; at
 * stride 1 it is computed as a convolution with the adjoint kernel instead (see convInputGradient),
 * and at equal 2-D strides with large kernels as one such convolution over all output phases (see
 * stridedConvInputGradient).
 */
export const conv: GradientRule = {
  opType: 'Conv',
  since: 1,
  differentiable: [0, 2],
  affine: { in: (_node, index) => index === 0, weights: true, heavy: true },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const [x, w, bias, y] = [node.input(0), node.input(1), node.input(2), node.output(0)];
    const xShape = b.shape(x);
    const yShape = b.shape(y);
    const inSpatial = xShape.slice(2);
    const outSpatial = yShape.slice(2);
    const kernel = node.ints('kernel_shape') ?? b.shape(w).slice(2);
    const window = resolveWindow(node, inSpatial, outSpatial, kernel);
    const group = node.int('group', 1);
    const spatialAxes = [0, ...Array.from({ length: outSpatial.length }, (_, i) => i + 2)];
    const gBias = bias && node.needsGradient(2) ? b.reduceSum(g, spatialAxes, false) : null;
    if (!node.needsGradient(0)) return [null, null, gBias];
    const outputPadding = adjointOutputPadding(window, inSpatial, outSpatial, window.padsEnd);
    if (outputPadding.some((p) => p < 0)) throw node.invalid('output shape does not match the window geometry');
    const problem = { g, w, window, xShape, outSpatial, group };
    const asConv = convInputGradient(b, problem) ?? stridedConvInputGradient(b, problem);
    if (asConv) return [asConv, null, gBias];
    const attributes: Attributes = {
      strides: { ints: window.strides },
      dilations: { ints: window.dilations },
      pads: { ints: [...window.padsBegin, ...window.padsEnd] },
      group: { int: group },
      kernel_shape: { ints: kernel },
      output_padding: { ints: outputPadding },
    };
    return [b.op('ConvTranspose', [g, w], attributes), null, gBias];
  },
};

/** dX of a transposed convolution is the convolution of g with the same weights and geometry. */
export const convTranspose: GradientRule = {
  opType: 'ConvTranspose',
  since: 1,
  differentiable: [0, 2],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const [x, w, bias, y] = [node.input(0), node.input(1), node.input(2), node.output(0)];
    const inSpatial = b.shape(x).slice(2);
    const outSpatial = b.shape(y).slice(2);
    const n = inSpatial.length;
    const kernel = node.ints('kernel_shape') ?? b.shape(w).slice(2);
    const strides = node.ints('strides') ?? new Array<number>(n).fill(1);
    const dilations = node.ints('dilations') ?? new Array<number>(n).fill(1);
    const outputPadding = node.ints('output_padding') ?? new Array<number>(n).fill(0);
    const autoPad = node.string('auto_pad', 'NOTSET');
    let padsBegin: number[];
    let padsEnd: number[];
    if (node.has('output_shape') || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      // Total padding follows from the actual output size; ONNX Runtime puts the odd unit at
      // the end for SAME_UPPER and at the start otherwise.
      padsBegin = [];
      padsEnd = [];
      for (let i = 0; i < n; i++) {
        const full =
          (strides[i] as number) * ((inSpatial[i] as number) - 1) + (outputPadding[i] as number) + ((kernel[i] as number) - 1) * (dilations[i] as number) + 1;
        const total = full - (outSpatial[i] as number);
        if (total < 0) throw new UnsupportedForm('output_shape larger than the full transposed convolution');
        const half = Math.floor(total / 2);
        padsBegin.push(autoPad === 'SAME_UPPER' ? half : total - half);
        padsEnd.push(autoPad === 'SAME_UPPER' ? total - half : half);
      }
    } else if (autoPad === 'VALID') {
      padsBegin = new Array<number>(n).fill(0);
      padsEnd = new Array<number>(n).fill(0);
    } else {
      const pads = node.ints('pads') ?? new Array<number>(2 * n).fill(0);
      padsBegin = pads.slice(0, n);
      padsEnd = pads.slice(n);
    }
    const gx = node.needsGradient(0)
      ? b.op('Conv', [g, w], {
          strides: { ints: strides },
          dilations: { ints: dilations },
          pads: { ints: [...padsBegin, ...padsEnd] },
          group: { int: node.int('group', 1) },
          kernel_shape: { ints: kernel },
        })
      : null;
    const spatialAxes = [0, ...Array.from({ length: n }, (_, i) => i + 2)];
    const gBias = bias && node.needsGradient(2) ? b.reduceSum(g, spatialAxes, false) : null;
    return [gx, null, gBias];
  },
};

export const convRules: readonly GradientRule[] = [conv, convTranspose];
