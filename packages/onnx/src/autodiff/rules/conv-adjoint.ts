import type { GraphBuilder } from '../../graph/builder.js';
import type { Window } from './window.js';

/**
 * The kernel of the adjoint convolution: per group, input and output channels swapped and every
 * spatial axis reversed, so `[M, C/G, k…]` becomes `[C, M/G, k…]`. Built from `w` with graph ops
 * (Reshape, Transpose, Slice), which runtimes fold into a constant when `w` is an initializer.
 */
export function adjointKernel(b: GraphBuilder, w: string, group: number): string {
  const wShape = b.shape(w);
  const [outChannels, inPerGroup] = [wShape[0] as number, wShape[1] as number];
  const kernel = wShape.slice(2);
  const outPerGroup = outChannels / group;
  const spatial = kernel.map((_, i) => i + 2);
  let swapped: string;
  if (group === 1) {
    swapped = b.transpose(w, [1, 0, ...spatial]);
  } else if (inPerGroup === 1 && outPerGroup === 1) {
    swapped = w;
  } else {
    const grouped = b.reshape(w, [group, outPerGroup, inPerGroup, ...kernel]);
    const transposed = b.transpose(grouped, [0, 2, 1, ...spatial.map((a) => a + 1)]);
    swapped = b.reshape(transposed, [group * inPerGroup, outPerGroup, ...kernel]);
  }
  const axes = spatial.filter((axis) => (wShape[axis] as number) > 1);
  if (axes.length === 0) return swapped;
  const starts = axes.map((axis) => (wShape[axis] as number) - 1);
  // With a step of −1, an end of −(k + 1) means "through index 0".
  const ends = axes.map((axis) => -(wShape[axis] as number) - 1);
  return b.op('Slice', [swapped, b.int64Constant(starts), b.int64Constant(ends), b.int64Constant(axes), b.int64Constant(axes.map(() => -1))]);
}

/** What an input-gradient form of a Conv works from: the output gradient, weights and geometry. */
export interface ConvAdjointProblem {
  readonly g: string;
  readonly w: string;
  readonly window: Window;
  readonly xShape: readonly number[];
  readonly outSpatial: readonly number[];
  readonly group: number;
}

/**
 * dX of a stride-1 convolution as a plain convolution: g convolved with the adjoint kernel (see
 * adjointKernel), padded by (k − 1)·dilation − pad at the start and by what restores the input
 * size at the end. Runtimes have much faster Conv kernels than ConvTranspose kernels. Returns
 * null where this form does not apply (strides above 1, pads wider than the dilated kernel), and
 * the caller uses a transposed convolution.
 */
export function convInputGradient(b: GraphBuilder, { g, w, window, xShape, outSpatial, group }: ConvAdjointProblem): string | null {
  if (window.strides.some((s) => s !== 1)) return null;
  const inSpatial = xShape.slice(2);
  const padsBegin = window.kernel.map((k, i) => (k - 1) * (window.dilations[i] as number) - (window.padsBegin[i] as number));
  const padsEnd = inSpatial.map((size, i) => size - (outSpatial[i] as number) + (window.padsBegin[i] as number));
  if ([...padsBegin, ...padsEnd].some((p) => p < 0)) return null;
  return b.op(
    'Conv',
    [g, adjointKernel(b, w, group)],
    {
      kernel_shape: { ints: window.kernel },
      strides: { ints: window.kernel.map(() => 1) },
      dilations: { ints: window.dilations },
      pads: { ints: [...padsBegin, ...padsEnd] },
      group: { int: group },
    },
    xShape,
  );
}
