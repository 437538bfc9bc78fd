import type { onnx } from '../../proto/generated/onnx.js';
import { intAttribute } from '../../graph/attributes.js';
import type { CompositeOp } from './composite-op.js';
import { transformMatrix, transformOutput, type TransformForm } from './dft-matrix.js';
import type { LoweringBuilder } from './lowering-builder.js';
import { constantInteger, optionalInput, unloweredForm } from './node-inputs.js';

/**
 * Applies the transform along `axis` of x (last axis: the parts, 1 or 2) as one MatMul: the axis
 * is moved next to the parts, both are flattened, multiplied by the constant matrix, and the
 * result is put back in place with its own length and parts.
 */
export function transformAlong(b: LoweringBuilder, x: string, axis: number, form: TransformForm): string {
  const shape = b.shape(x);
  const rank = shape.length;
  const perm = [...Array(rank - 1).keys()].filter((i) => i !== axis).concat([axis, rank - 1]);
  const moved = b.transpose(x, perm);
  const lead = perm.slice(0, -2).map((i) => shape[i] as number);
  const { bins, parts } = transformOutput(form);
  const flat = b.reshape(moved, [...lead, form.inLength * form.inParts]);
  const matrix = b.floatConstant(transformMatrix(form), [form.inLength * form.inParts, bins * parts]);
  const product = b.reshape(b.matmul(flat, matrix), [...lead, bins, parts]);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return b.transpose(product, inverse);
}

/** The transformed axis of a DFT node: an attribute at opset 17 (default 1), a constant input from 20 (default −2). */
function dftAxis(b: LoweringBuilder, node: onnx.INodeProto, rank: number): number {
  const axis = b.opset >= 20 ? (optionalInput(node, 2) ? constantInteger(b, node, 2, 'axis') : -2) : intAttribute(node, 'axis', 1);
  if (axis < -rank || axis === -1 || axis >= rank - 1)
    throw unloweredForm(
      b,
      node,
      `axis ${axis} is outside [−${rank}, −2] ∪ [0, ${rank - 2}] for input of rank ${rank} (its last axis holds the real and imaginary parts)`,
    );
  return axis < 0 ? axis + rank : axis;
}

/** The form of a DFT node, refusing what the spec and onnxruntime refuse. */
function dftForm(b: LoweringBuilder, node: onnx.INodeProto, shape: readonly number[], axis: number): TransformForm {
  const inParts = shape[shape.length - 1];
  if (inParts !== 1 && inParts !== 2) throw unloweredForm(b, node, `the input's last axis has length ${String(inParts)}; it must be 1 (real) or 2 (complex)`);
  const inverse = intAttribute(node, 'inverse', 0) !== 0;
  const onesided = intAttribute(node, 'onesided', 0) !== 0;
  if (onesided && !inverse && inParts !== 1) throw unloweredForm(b, node, 'a one-sided forward DFT needs real input (last axis of length 1)');
  if (onesided && inverse && inParts !== 2) throw unloweredForm(b, node, 'a one-sided inverse DFT needs complex input (last axis of length 2)');
  const inLength = shape[axis] as number;
  const fallback = onesided && inverse ? 2 * (inLength - 1) : inLength;
  const length = optionalInput(node, 1) ? constantInteger(b, node, 1, 'dft_length') : fallback;
  if (!Number.isInteger(length) || length <= 0) throw unloweredForm(b, node, `dft_length is ${length}; it must be a positive integer`);
  // The spec reads the half spectrum as numpy's irfft does (its first ⌊n/2⌋ + 1 bins, zero-padded);
  // onnxruntime's kernel agrees only where that is exactly the input's bins.
  if (onesided && inverse && Math.floor(length / 2) + 1 !== inLength)
    throw unloweredForm(
      b,
      node,
      `a one-sided inverse DFT of length ${length} reads ${Math.floor(length / 2) + 1} bins, and the input has ${inLength}: only dft_length 2·(bins − 1) or 2·bins − 1 is lowered`,
    );
  return { inLength, inParts, length, inverse, onesided };
}

/**
 * DFT (opsets 17 and 20): linear in its input, so one MatMul with constant cosines and sines
 * over the transformed axis, built for its static length (see transformMatrix).
 */
export const dft: CompositeOp = {
  opType: 'DFT',
  since: 17,
  differentiable: [0],
  refusal: () => undefined,
  lower(b, node) {
    const x = node.input[0] as string;
    const shape = b.shape(x);
    const axis = dftAxis(b, node, shape.length);
    return [transformAlong(b, x, axis, dftForm(b, node, shape, axis))];
  },
};
