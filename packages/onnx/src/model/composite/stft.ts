import type { onnx } from '../../proto/generated/onnx.js';
import { intAttribute } from '../../graph/attributes.js';
import type { CompositeOp } from './composite-op.js';
import { transformAlong } from './dft.js';
import type { LoweringBuilder } from './lowering-builder.js';
import { constantInteger, optionalInput, unloweredForm } from './node-inputs.js';

/** The frame length: the window's length, else the constant frame_length input; both must agree. */
function frameLength(b: LoweringBuilder, node: onnx.INodeProto, signalLength: number): number {
  const window = optionalInput(node, 2);
  const windowLength = window ? b.shape(window) : undefined;
  if (windowLength && windowLength.length !== 1) throw unloweredForm(b, node, `the window "${window}" has shape [${windowLength.join(', ')}]; it must be 1-D`);
  const given = optionalInput(node, 3) ? constantInteger(b, node, 3, 'frame_length') : undefined;
  const length = windowLength?.[0] ?? given;
  if (length === undefined) throw unloweredForm(b, node, 'neither a window nor frame_length gives the frame length');
  if (given !== undefined && given !== length) throw unloweredForm(b, node, `frame_length ${given} differs from the window's length ${length}`);
  if (!Number.isInteger(length) || length <= 0 || length > signalLength)
    throw unloweredForm(b, node, `the frame length ${length} must be positive and at most the signal's length ${signalLength}`);
  return length;
}

/**
 * STFT (opset 17): frames picked by one Gather with a constant index matrix [frames, length]
 * (frame f holds samples f·step … f·step + length − 1), multiplied by the window (a tensor like
 * any other, so a computed window gets its gradient too), then a DFT along the frame axis as
 * one MatMul (see transformAlong).
 */
export const stft: CompositeOp = {
  opType: 'STFT',
  since: 17,
  differentiable: [0, 2],
  refusal: () => undefined,
  lower(b, node) {
    const signal = node.input[0] as string;
    const shape = b.shape(signal);
    const [batch, signalLength, parts] = shape as [number, number, number];
    if (shape.length !== 3 || parts !== 1)
      throw unloweredForm(
        b,
        node,
        `the signal has shape [${shape.join(', ')}]; the lowering covers real signals [batch, length, 1] (onnxruntime's kernel does not compute the spec's transform of complex ones)`,
      );
    const step = constantInteger(b, node, 1, 'frame_step', true);
    if (!Number.isInteger(step) || step <= 0) throw unloweredForm(b, node, `frame_step is ${step}; it must be a positive integer`);
    const length = frameLength(b, node, signalLength);
    const onesided = intAttribute(node, 'onesided', 1) !== 0;
    const frames = Math.floor((signalLength - length) / step) + 1;
    const indices = Array.from({ length: frames * length }, (_, i) => Math.floor(i / length) * step + (i % length));
    const framed = b.shaped('Gather', [signal, b.int64Constant(indices, [frames, length])], [batch, frames, length, 1], { axis: { int: 1 } });
    const window = optionalInput(node, 2);
    const windowed = window ? b.times(framed, b.reshape(window, [length, 1])) : framed;
    return [transformAlong(b, windowed, 2, { inLength: length, inParts: 1, length, inverse: false, onesided })];
  },
};
