import { checkConstantSize } from '../../graph/builder.js';
import type { GraphBuilder } from '../../graph/builder.js';
import { normalizeAxis, outputGrad, UnsupportedForm, type GradientRule, type NodeView } from './rule.js';
import { DataType } from '../../proto/tensor.js';
import { floatAttribute, intsAttribute, toAttributeProto } from '../../graph/attributes.js';
import { dropAttributes } from './legacy.js';

/** g restricted to [start, start + length) along one axis, as a Slice with constant bounds. */
function sliceAxis(b: GraphBuilder, g: string, axis: number, start: number, length: number): string {
  return b.op('Slice', [g, b.int64Constant([start]), b.int64Constant([start + length]), b.int64Constant([axis])]);
}

/** Concat's gradient when input sizes along the axis are only known at run time. */
function concatAtRunTime(node: NodeView, g: string, inputs: readonly string[], b: GraphBuilder): (string | null)[] {
  const axis = node.int('axis', 0);
  const axisTensor = b.int64Constant([axis]);
  let start = b.int64Constant([0]);
  return inputs.map((name, i) => {
    const length = b.op('Slice', [b.op('Shape', [name]), b.int64Constant([axis]), b.int64Constant([axis === -1 ? Number.MAX_SAFE_INTEGER : axis + 1])]);
    const end = b.add(start, length);
    const part = node.needsGradient(i) ? b.op('Slice', [g, start, end, axisTensor]) : null;
    start = end;
    return part;
  });
}

export const concat: GradientRule = {
  opType: 'Concat',
  since: 4,
  differentiable: 'all',
  // Before opset 4, `axis` may be left out: it is then 1.
  legacy(node, upgrade) {
    if (upgrade.version < 4 && !(node.attribute ?? []).some((a) => a.name === 'axis')) {
      node.attribute = [...(node.attribute ?? []), toAttributeProto('axis', { int: 1 })];
    }
  },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const inputs = Array.from({ length: node.inputCount }, (_, i) => node.input(i));
    if (!inputs.every((name) => b.hasShape(name))) return concatAtRunTime(node, g, inputs, b);
    const rank = b.rank(node.output(0));
    const axis = normalizeAxis(node, node.int('axis', 0), rank);
    let offset = 0;
    return Array.from({ length: node.inputCount }, (_, i) => {
      const length = b.shape(node.input(i))[axis] as number;
      const start = offset;
      offset += length;
      return node.needsGradient(i) ? sliceAxis(b, g, axis, start, length) : null;
    });
  },
};

export const split: GradientRule = {
  opType: 'Split',
  since: 2,
  differentiable: [0],
  gradient(node, grads, b) {
    const x = node.input(0);
    // Concat takes a negative axis as it is, so the rank is only needed to validate it.
    const axis = b.hasShape(x) ? normalizeAxis(node, node.int('axis', 0), b.rank(x)) : node.int('axis', 0);
    const parts = (node.proto.output ?? []).map((name, i) => grads[i] ?? b.zerosLike(name));
    return [parts.length === 1 ? (parts[0] as string) : b.op('Concat', parts, { axis: { int: axis } })];
  },
};

/** Applies one axis map at a time: `source(o)` is the input index output o reads, or −1. */
function adjointOfIndexMaps(
  b: GraphBuilder,
  g: string,
  outShape: readonly number[],
  inShape: readonly number[],
  source: (axis: number, o: number) => number,
  touched: readonly number[],
): string {
  let current = g;
  let shape = [...outShape];
  for (const axis of touched) {
    const outLength = shape[axis] as number;
    const inLength = inShape[axis] as number;
    checkConstantSize([outLength, inLength]);
    const weights = new Float32Array(outLength * inLength);
    for (let o = 0; o < outLength; o++) {
      const i = source(axis, o);
      if (i >= 0 && i < inLength) weights[o * inLength + i] = 1;
    }
    current = b.axisAdjoint(current, shape, axis, weights, inLength);
    shape = shape.map((d, k) => (k === axis ? inLength : d));
  }
  return current;
}

function sliceParameters(node: NodeView, b: GraphBuilder): { starts: readonly number[]; axes: readonly number[]; steps: readonly number[] } {
  if (node.opset < 10) {
    const starts = node.ints('starts') ?? [];
    return { starts, axes: node.ints('axes') ?? starts.map((_, i) => i), steps: starts.map(() => 1) };
  }
  const starts = b.constantValues(node.input(1));
  const axes = node.input(3) ? b.constantValues(node.input(3)) : starts.map((_, i) => i);
  const steps = node.input(4) ? b.constantValues(node.input(4)) : starts.map(() => 1);
  return { starts, axes, steps };
}

/** Output o along a sliced axis reads start + o·step, with start clamped as ONNX specifies. */
export const slice: GradientRule = {
  opType: 'Slice',
  since: 1,
  differentiable: [0],
  // Before opset 10, starts, ends and axes are attributes.
  legacy(node, upgrade) {
    if (upgrade.version >= 10) return;
    const starts = intsAttribute(node, 'starts') ?? [];
    const ends = intsAttribute(node, 'ends') ?? [];
    const axes = intsAttribute(node, 'axes') ?? starts.map((_, i) => i);
    const int64s = (hint: string, values: readonly number[]): string => upgrade.constant(hint, [values.length], DataType.INT64, values);
    node.input = [node.input?.[0] ?? '', int64s('starts', starts), int64s('ends', ends), int64s('axes', axes)];
    dropAttributes(node, 'starts', 'ends', 'axes');
  },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const inShape = b.shape(node.input(0));
    const outShape = b.shape(node.output(0));
    const { starts, axes, steps } = sliceParameters(node, b);
    const startOf = new Map<number, number>();
    const stepOf = new Map<number, number>();
    axes.forEach((rawAxis, i) => {
      const axis = normalizeAxis(node, rawAxis, inShape.length);
      const dim = inShape[axis] as number;
      const step = steps[i] ?? 1;
      if (step === 0) throw node.invalid('a step is 0');
      let start = starts[i] ?? 0;
      if (start < 0) start += dim;
      start = step > 0 ? Math.min(Math.max(start, 0), dim) : Math.min(Math.max(start, 0), dim - 1);
      startOf.set(axis, start);
      stepOf.set(axis, step);
    });
    const touched = [...startOf.keys()].filter((axis) => !(startOf.get(axis) === 0 && stepOf.get(axis) === 1 && outShape[axis] === inShape[axis]));
    return [adjointOfIndexMaps(b, g, outShape, inShape, (axis, o) => (startOf.get(axis) as number) + o * (stepOf.get(axis) as number), touched)];
  },
};

function padSource(mode: string, o: number, before: number, length: number): number {
  let i = o - before;
  if (i >= 0 && i < length) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return Math.min(Math.max(i, 0), length - 1);
    case 'wrap':
      return ((i % length) + length) % length;
    case 'reflect': {
      if (length === 1) return 0;
      const period = 2 * (length - 1);
      i = ((i % period) + period) % period;
      return i < length ? i : period - i;
    }
    default:
      throw new UnsupportedForm(`mode "${mode}"`);
  }
}

export const pad: GradientRule = {
  opType: 'Pad',
  since: 2,
  differentiable: [0],
  // Before opset 11, pads and value are attributes.
  legacy(node, upgrade) {
    const pads = intsAttribute(node, 'pads') ?? intsAttribute(node, 'paddings') ?? [];
    const value = floatAttribute(node, 'value', 0);
    node.input = [node.input?.[0] ?? '', upgrade.constant('pads', [pads.length], DataType.INT64, pads), upgrade.constant('value', [], DataType.FLOAT, [value])];
    dropAttributes(node, 'pads', 'paddings', 'value');
  },
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const inShape = b.shape(node.input(0));
    const outShape = b.shape(node.output(0));
    const rank = inShape.length;
    const mode = node.string('mode', 'constant');
    const pads = node.opset < 11 ? (node.ints('pads') ?? []) : b.constantValues(node.input(1));
    const axes = node.opset >= 18 && node.input(3) ? b.constantValues(node.input(3)).map((a) => normalizeAxis(node, a, rank)) : [...Array(rank).keys()];
    if (pads.length !== 2 * axes.length) throw node.invalid(`pads has ${pads.length} values for ${axes.length} axes`);
    const before = new Map<number, number>();
    axes.forEach((axis, i) => before.set(axis, pads[i] as number));
    const touched = axes.filter((axis, i) => pads[i] !== 0 || pads[i + axes.length] !== 0);
    return [adjointOfIndexMaps(b, g, outShape, inShape, (axis, o) => padSource(mode, o, before.get(axis) ?? 0, inShape[axis] as number), touched)];
  },
};

/**
 * Gather on data: the adjoint scatters g back with a one-hot matrix of the indices, so repeated
 * indices add up (ScatterND's add reduction only exists from opset 16).
 */
export const gather: GradientRule = {
  opType: 'Gather',
  since: 1,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const [data, indices] = [node.input(0), node.input(1)];
    const dataShape = b.shape(data);
    const axis = normalizeAxis(node, node.int('axis', 0), dataShape.length);
    const count = b.shape(indices).reduce((x, y) => x * y, 1);
    const pre = dataShape.slice(0, axis).reduce((x, y) => x * y, 1);
    const post = dataShape.slice(axis + 1).reduce((x, y) => x * y, 1);
    const depth = dataShape[axis] as number;
    const g3 = b.reshape(g, [pre, count, post]);
    const flatIndices = b.reshape(indices, [count]);
    const oneHot = b.op('OneHot', [flatIndices, b.int64Constant([depth], [1]), b.floatConstant([0, 1], [2])], { axis: { int: -1 } });
    const scattered = b.op('MatMul', [b.op('Transpose', [oneHot], { perm: { ints: [1, 0] } }), g3]);
    return [b.reshape(scattered, dataShape), null];
  },
};

export const slicingRules: readonly GradientRule[] = [concat, split, slice, pad, gather];
