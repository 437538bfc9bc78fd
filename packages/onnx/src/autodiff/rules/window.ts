import type { GraphBuilder } from '../../graph/builder.js';
import type { NodeView } from './rule.js';

/** The resolved geometry of a sliding-window op (Conv, pooling) over its spatial axes. */
export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padsBegin: readonly number[];
  readonly padsEnd: readonly number[];
}

/**
 * Explicit pads from the attributes, resolving auto_pad against the actual output size so that
 * (out − 1)·stride + (k − 1)·dilation + 1 ≤ in + begin + end; any ceil-mode overhang is left to
 * the caller (see `overhang`).
 */
export function resolveWindow(node: NodeView, inSpatial: readonly number[], outSpatial: readonly number[], kernel: readonly number[]): Window {
  const n = inSpatial.length;
  const strides = node.ints('strides') ?? new Array<number>(n).fill(1);
  const dilations = node.ints('dilations') ?? new Array<number>(n).fill(1);
  if (kernel.length !== n || strides.length !== n || dilations.length !== n) {
    throw node.invalid(`kernel_shape/strides/dilations do not match ${n} spatial axes`);
  }
  const autoPad = node.string('auto_pad', 'NOTSET');
  let padsBegin: number[];
  let padsEnd: number[];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    padsBegin = [];
    padsEnd = [];
    for (let i = 0; i < n; i++) {
      const span = ((outSpatial[i] as number) - 1) * (strides[i] as number) + ((kernel[i] as number) - 1) * (dilations[i] as number) + 1;
      const total = Math.max(0, span - (inSpatial[i] as number));
      const small = Math.floor(total / 2);
      padsBegin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      padsEnd.push(autoPad === 'SAME_UPPER' ? total - small : small);
    }
  } else if (autoPad === 'VALID') {
    padsBegin = new Array<number>(n).fill(0);
    padsEnd = new Array<number>(n).fill(0);
  } else {
    const pads = node.ints('pads') ?? new Array<number>(2 * n).fill(0);
    if (pads.length !== 2 * n) throw node.invalid(`pads has ${pads.length} values for ${n} spatial axes`);
    padsBegin = pads.slice(0, n);
    padsEnd = pads.slice(n);
  }
  return { kernel, strides, dilations, padsBegin, padsEnd };
}

/** Extra end padding a ceil-mode window needs beyond the declared pads (0 when none). */
export function overhang(w: Window, inSpatial: readonly number[], outSpatial: readonly number[]): number[] {
  return inSpatial.map((s, i) => {
    const span = ((outSpatial[i] as number) - 1) * (w.strides[i] as number) + ((w.kernel[i] as number) - 1) * (w.dilations[i] as number) + 1;
    return Math.max(0, span - (s + (w.padsBegin[i] as number) + (w.padsEnd[i] as number)));
  });
}

/**
 * output_padding that makes a ConvTranspose with this window return exactly `inSpatial` from
 * `outSpatial` (the adjoint of the forward window op).
 */
export function adjointOutputPadding(w: Window, inSpatial: readonly number[], outSpatial: readonly number[], padsEnd: readonly number[]): number[] {
  return inSpatial.map((s, i) => {
    const produced =
      ((outSpatial[i] as number) - 1) * (w.strides[i] as number) +
      ((w.kernel[i] as number) - 1) * (w.dilations[i] as number) +
      1 -
      (w.padsBegin[i] as number) -
      (padsEnd[i] as number);
    return s - produced;
  });
}

/** The static geometry of a pooling node: shapes, its window, and the ceil-mode overhang per axis. */
export interface WindowGeometry {
  readonly xShape: readonly number[];
  readonly yShape: readonly number[];
  readonly inSpatial: readonly number[];
  readonly outSpatial: readonly number[];
  readonly window: Window;
  readonly extra: readonly number[];
}

export function windowGeometry(node: NodeView, b: GraphBuilder): WindowGeometry {
  const xShape = b.shape(node.input(0));
  const yShape = b.shape(node.output(0));
  const inSpatial = xShape.slice(2);
  const outSpatial = yShape.slice(2);
  const kernel = node.ints('kernel_shape');
  if (!kernel) throw node.invalid('kernel_shape is required');
  const window = resolveWindow(node, inSpatial, outSpatial, kernel);
  return { xShape, yShape, inSpatial, outSpatial, window, extra: overhang(window, inSpatial, outSpatial) };
}
