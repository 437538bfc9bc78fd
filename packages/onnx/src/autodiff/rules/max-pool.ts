import type { Attributes } from '../../graph/attributes.js';
import type { GraphBuilder } from '../../graph/builder.js';
import { isFloatType } from '../../proto/tensor.js';
import { outputGrad, UnsupportedForm, type GradientRule } from './rule.js';
import { windowGeometry } from './window.js';

/** A one-axis max pool: windows of `kernel` elements `dilation` apart, every `stride` elements. */
interface AxisPool {
  /** Tensor axis (2 + spatial index). */
  readonly axis: number;
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  readonly padBegin: number;
  /** The declared (or auto_pad-resolved) end pad, without ceil-mode overhang. */
  readonly padEnd: number;
  readonly inLength: number;
  readonly outLength: number;
}

/** Each window element (and each stride phase) along an axis costs a few graph nodes and a tensor. */
const MAX_AXIS_KERNEL = 1024;

/** What padding reads as: below every finite input, so a real element always wins over padding, even one at the lowest float32. */
const PADDING = Number.NEGATIVE_INFINITY;

const withLength = (shape: readonly number[], axis: number, length: number): number[] => shape.map((d, i) => (i === axis ? length : d));

/**
 * `t` moved along `axis` so that its element i lands at i + begin, cut or filled (with `fill`)
 * to `length`: one Pad, whose negative pads crop (valid since Pad-2).
 */
function place(b: GraphBuilder, t: string, shape: readonly number[], axis: number, begin: number, length: number, fill: number): string {
  const end = length - (shape[axis] as number) - begin;
  if (begin === 0 && end === 0) return t;
  const pads = new Array<number>(2 * shape.length).fill(0);
  pads[axis] = begin;
  pads[shape.length + axis] = end;
  return b.op('Pad', [t, b.int64Constant(pads), b.floatConstant([fill])], { mode: { string: 'constant' } }, withLength(shape, axis, length));
}

const size = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

/**
 * out[…, c, …] = t[…, c + offset, …] along `axis`, by one Pad of the flattened tensor: where
 * c + offset leaves the axis, out holds a neighbouring row's value, which callers mask or know to
 * be 0. onnxruntime's N-D Pad costs per innermost row, which dominates on 14×14 and 7×7 maps.
 */
function flatShift(b: GraphBuilder, t: string, shape: readonly number[], axis: number, offset: number): string {
  if (offset === 0) return t;
  const total = size(shape);
  const step = offset * size(shape.slice(axis + 1));
  const shifted = b.op('Pad', [b.reshape(t, [total]), b.int64Constant([-step, step]), b.floatConstant([0])], { mode: { string: 'constant' } }, [total]);
  return b.reshape(shifted, shape);
}

/** A same-size stride-1 pool whose every window element lies within one axis length of its window: the flat-shift form applies. */
const isFlatShiftable = (pool: AxisPool): boolean =>
  pool.stride === 1 && pool.outLength === pool.inLength && pool.padBegin < pool.inLength && (pool.kernel - 1) * pool.dilation - pool.padBegin < pool.inLength;

/** 0 along the axis where c + offset is inside it, −∞ where it falls into padding; shaped to broadcast over the axes after it. */
function paddingMask(b: GraphBuilder, shape: readonly number[], pool: AxisPool, offset: number): string {
  const values = Array.from({ length: pool.inLength }, (_, c) => (c + offset >= 0 && c + offset < pool.inLength ? 0 : PADDING));
  return b.floatConstant(values, [pool.inLength, ...shape.slice(pool.axis + 1).map(() => 1)]);
}

/** Where element e of a window sits relative to the input: o·stride + e·dilation − padBegin = (o + shift)·stride + phase. */
function elementOffset(pool: AxisPool, e: number): { shift: number; phase: number } {
  const offset = e * pool.dilation - pool.padBegin;
  const shift = Math.floor(offset / pool.stride);
  return { shift, phase: offset - shift * pool.stride };
}

/** Positions on the coarse grid (input positions divided by the stride, rounded up). */
const coarseLength = (pool: AxisPool): number => Math.ceil(pool.inLength / pool.stride);

/**
 * Element e of every window along the pool's axis, padding read as −∞; one tensor per e,
 * shaped like the pool's output. With a stride, the axis is first split into its `stride`
 * phases (Reshape, Split), so each element is a shifted phase rather than a strided slice.
 */
function windowElements(b: GraphBuilder, u: string, uShape: readonly number[], pool: AxisPool): string[] {
  const { axis, kernel, stride, outLength } = pool;
  if (isFlatShiftable(pool)) {
    // A padding element reads −∞ plus a neighbouring row's (finite) value.
    return Array.from({ length: kernel }, (_, e) => {
      const { shift } = elementOffset(pool, e);
      return shift === 0 ? u : b.add(flatShift(b, u, uShape, axis, shift), paddingMask(b, uShape, pool, shift));
    });
  }
  if (stride === 1) {
    return Array.from({ length: kernel }, (_, e) => place(b, u, uShape, axis, -elementOffset(pool, e).shift, outLength, PADDING));
  }
  const coarse = coarseLength(pool);
  const whole = place(b, u, uShape, axis, 0, coarse * stride, PADDING);
  const split = [...uShape.slice(0, axis), coarse, stride, ...uShape.slice(axis + 1)];
  const phaseShape = withLength(uShape, axis, coarse);
  // Equal parts: opset 18 made the count an attribute (num_outputs) instead of the output count.
  const attributes: Attributes = b.opset >= 18 ? { axis: { int: axis + 1 }, num_outputs: { int: stride } } : { axis: { int: axis + 1 } };
  const phases = b.node('Split', [b.reshape(whole, split)], attributes, stride).map((p) => b.reshape(p, phaseShape));
  return Array.from({ length: kernel }, (_, e) => {
    const { shift, phase } = elementOffset(pool, e);
    return place(b, phases[phase] as string, phaseShape, axis, -shift, outLength, PADDING);
  });
}

/** The pool along one axis alone, as a MaxPool with a kernel of 1 on every other axis. */
function axisMaxPool(b: GraphBuilder, u: string, vShape: readonly number[], pool: AxisPool, ceilMode: number): string {
  const spatial = vShape.length - 2;
  const along = (value: number, other: number): number[] => Array.from({ length: spatial }, (_, i) => (i + 2 === pool.axis ? value : other));
  return b.op(
    'MaxPool',
    [u],
    {
      kernel_shape: { ints: along(pool.kernel, 1) },
      strides: { ints: along(pool.stride, 1) },
      dilations: { ints: along(pool.dilation, 1) },
      pads: { ints: [...along(pool.padBegin, 0), ...along(pool.padEnd, 0)] },
      ceil_mode: { int: ceilMode },
    },
    vShape,
  );
}

/**
 * g of each window routed to its first element equal to the window's max v (zero elsewhere):
 * what element e does not take passes on to the elements after it, and the last element takes
 * whatever is left, since one of them equals v. Arithmetic only: `below` = ⌈clip(v − element, 0, 1)⌉
 * is 1 where the element is below v and 0 where it equals v (a difference of distinct floats is
 * never 0), and onnxruntime's CPU Equal, Where and Cast cost several times a Sub or Mul.
 */
function routeToFirstMax(b: GraphBuilder, g: string, elements: readonly string[], v: string): string[] {
  const [zero, one] = [b.floatConstant([0]), b.floatConstant([1])];
  let rest = g;
  return elements.map((element, e) => {
    if (e === elements.length - 1) return rest;
    const below = b.op('Ceil', [b.op('Clip', [b.sub(v, element), zero, one])]);
    const passed = b.mul(rest, below);
    const taken = b.sub(rest, passed);
    rest = passed;
    return taken;
  });
}

/**
 * The adjoint of windowElements: routed[e][o] is added at input position
 * o·stride + e·dilation − padBegin. With a stride, the elements of each phase are shifted and
 * summed on the coarse grid, and the phases are interleaved (Concat, Reshape).
 */
function scatterBack(b: GraphBuilder, routed: readonly string[], vShape: readonly number[], pool: AxisPool): string {
  const { axis, stride, inLength } = pool;
  // A padding element takes nothing (some real element equals the max), so what a flat shift
  // carries across a row boundary is 0.
  if (isFlatShiftable(pool)) return b.sum(routed.map((r, e) => flatShift(b, r, vShape, axis, -elementOffset(pool, e).shift)));
  if (stride === 1) return b.sum(routed.map((r, e) => place(b, r, vShape, axis, elementOffset(pool, e).shift, inLength, 0)));
  const coarse = coarseLength(pool);
  const coarseShape = withLength(vShape, axis, coarse);
  const phases: string[] = [];
  for (let phase = 0; phase < stride; phase++) {
    const terms = routed.flatMap((r, e) => {
      const offset = elementOffset(pool, e);
      return offset.phase === phase ? [place(b, r, vShape, axis, offset.shift, coarse, 0)] : [];
    });
    phases.push(terms.length > 0 ? b.sum(terms) : b.zeros(coarseShape));
  }
  const stacked = b.op(
    'Concat',
    phases.map((p) => b.unsqueeze(p, [axis + 1])),
    { axis: { int: axis + 1 } },
  );
  const fineShape = withLength(vShape, axis, coarse * stride);
  return place(b, b.reshape(stacked, fineShape), fineShape, axis, 0, inLength, 0);
}

/**
 * MaxPool without its Indices output (WebGPU cannot produce it). A max over an N-D window is a
 * max along the last axis, then the one before, and so on; taking the first maximum along each
 * axis in turn picks the row-major first maximum of the window (PyTorch's tie rule). Each axis
 * needs `kernel` shifted views and a few elementwise passes on tensors of the input's size,
 * instead of unfolding all kernel elements of every window at once.
 *
 * Padding reads as −∞, so it never takes gradient from a finite window; an infinite input in a
 * window makes its gradient NaN (∞ − ∞), which callers report.
 */
export const maxPool: GradientRule = {
  opType: 'MaxPool',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    if (node.int('storage_order', 0) !== 0 && grads[1]) throw new UnsupportedForm('gradient of the Indices output');
    const x = node.input(0);
    const { xShape, inSpatial, outSpatial, window, extra } = windowGeometry(node, b);
    const ceilMode = node.string('auto_pad', 'NOTSET') === 'NOTSET' ? node.int('ceil_mode', 0) : 0;
    const pools: AxisPool[] = inSpatial.map((inLength, i) => ({
      axis: i + 2,
      kernel: window.kernel[i] as number,
      stride: window.strides[i] as number,
      dilation: window.dilations[i] as number,
      padBegin: window.padsBegin[i] as number,
      padEnd: window.padsEnd[i] as number,
      inLength,
      outLength: outSpatial[i] as number,
    }));
    pools.forEach((p, i) => {
      if (![p.kernel, p.stride, p.dilation].every((v) => Number.isSafeInteger(v) && v >= 1))
        throw node.invalid('kernel_shape, strides and dilations must be positive');
      if (p.kernel > MAX_AXIS_KERNEL || p.stride > MAX_AXIS_KERNEL) {
        throw new UnsupportedForm(`a window of ${p.kernel} elements or a stride of ${p.stride} along one axis (at most ${MAX_AXIS_KERNEL})`);
      }
      const span = (p.outLength - 1) * p.stride + (p.kernel - 1) * p.dilation + 1;
      if (p.outLength < 1 || span > p.padBegin + p.inLength + p.padEnd + (extra[i] as number)) {
        throw node.invalid('output shape does not match the window geometry');
      }
    });
    // Axes where the pool is the identity (kernel 1, stride 1, no padding) need no stage.
    const active = pools.filter((p) => p.kernel > 1 || p.stride > 1 || p.padBegin > 0 || p.inLength !== p.outLength);
    if (active.length === 0) return [g];
    // Forward: pool the last axis first; the stage of the first active axis gives y itself.
    const stages: { pool: AxisPool; vShape: number[]; elements: string[]; v: string }[] = [];
    // A quantized (integer) input is compared as float: the same order, and the float fills below.
    const asFloat = (name: string): string => (isFloatType(b.dataType(name)) ? name : b.toFloat(name));
    let u = asFloat(x);
    let uShape = [...xShape];
    for (let s = active.length - 1; s >= 0; s--) {
      const pool = active[s] as AxisPool;
      const elements = windowElements(b, u, uShape, pool);
      const vShape = withLength(uShape, pool.axis, pool.outLength);
      const v = s === 0 ? asFloat(node.output(0)) : axisMaxPool(b, u, vShape, pool, ceilMode);
      stages.push({ pool, vShape, elements, v });
      u = v;
      uShape = vShape;
    }
    let gradient = g;
    for (let s = stages.length - 1; s >= 0; s--) {
      const { pool, vShape, elements, v } = stages[s] as (typeof stages)[number];
      gradient = scatterBack(b, routeToFirstMax(b, gradient, elements, v), vShape, pool);
    }
    return [gradient];
  },
};
