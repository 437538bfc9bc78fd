import type { onnx } from '../proto/generated/onnx.js';
import { DataType } from '../proto/tensor.js';
import { intAttribute, intsAttribute, stringAttribute } from './attributes.js';
import type { Infer, KnownTensor } from './shape-facts.js';

/** Static output shapes of convolutions and pools (see shape-ops.ts). */

/** Output size of a window op along one spatial axis (ONNX's formula; ceil mode drops a window starting in the end pad). */
function windowed(length: number, kernel: number, stride: number, dilation: number, begin: number, end: number, ceil: boolean): number {
  const span = (kernel - 1) * dilation + 1;
  if (!ceil) return Math.floor((length + begin + end - span) / stride) + 1;
  let windows = Math.ceil((length + begin + end - span) / stride) + 1;
  if ((windows - 1) * stride - begin >= length) windows--;
  return windows;
}

function windowOp(
  kernelOf: (node: onnx.INodeProto, input: (index: number) => KnownTensor | undefined) => { kernel: number[]; channels: number } | null,
): Infer {
  return (node, input) => {
    const x = input(0);
    const found = x ? kernelOf(node, input) : null;
    if (!x || !found) return null;
    const spatial = x.shape.length - 2;
    const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID') return null;
    const strides = intsAttribute(node, 'strides') ?? new Array<number>(spatial).fill(1);
    const dilations = intsAttribute(node, 'dilations') ?? new Array<number>(spatial).fill(1);
    const pads = autoPad === 'VALID' ? new Array<number>(2 * spatial).fill(0) : (intsAttribute(node, 'pads') ?? new Array<number>(2 * spatial).fill(0));
    const ceil = intAttribute(node, 'ceil_mode', 0) === 1;
    const dims = found.kernel.map((k, i) =>
      windowed(x.shape[i + 2] as number, k, strides[i] ?? 1, dilations[i] ?? 1, pads[i] ?? 0, pads[i + spatial] ?? 0, ceil),
    );
    const outputs = (node.output ?? []).filter(Boolean).length;
    const shape = [x.shape[0] as number, found.channels, ...dims];
    // MaxPool's second output (indices) is int64 of the same shape.
    return outputs === 1
      ? [{ shape, dataType: x.dataType }]
      : [
          { shape, dataType: x.dataType },
          { shape, dataType: DataType.INT64 },
        ];
  };
}

export const conv = windowOp((node, input) => {
  const w = input(1);
  if (!w) return null;
  return { kernel: intsAttribute(node, 'kernel_shape') ?? w.shape.slice(2), channels: w.shape[0] as number };
});

export const pool = windowOp((node, input) => {
  const kernel = intsAttribute(node, 'kernel_shape');
  return kernel ? { kernel, channels: input(0)?.shape[1] as number } : null;
});

export const globalPool: Infer = (_node, input) => {
  const x = input(0);
  return x ? [{ shape: [...x.shape.slice(0, 2), ...x.shape.slice(2).map(() => 1)], dataType: x.dataType }] : null;
};

/** Pad: each padded axis grows by its begin and end pads (the `pads` input, opset 11+, or attribute; `axes`, opset 18+). */
export const pad: Infer = (node, input) => {
  const x = input(0);
  if (!x) return null;
  const rank = x.shape.length;
  const pads = node.input?.[1] ? input(1)?.values : intsAttribute(node, 'pads');
  const axesGiven = Boolean(node.input?.[3]);
  const axesValues = axesGiven ? input(3)?.values : undefined;
  if (!pads || (axesGiven && !axesValues)) return null;
  const axes = (axesValues ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a));
  if (pads.length !== 2 * axes.length || axes.some((a) => a < 0 || a >= rank)) return null;
  const shape = [...x.shape];
  axes.forEach((a, k) => {
    shape[a] = (shape[a] as number) + (pads[k] as number) + (pads[k + axes.length] as number);
  });
  return [{ shape, dataType: x.dataType }];
};
