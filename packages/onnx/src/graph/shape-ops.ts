import type { onnx } from '../proto/generated/onnx.js';
import { DataType } from '../proto/tensor.js';
import { intAttribute, intsAttribute } from './attributes.js';
import { conv, globalPool, pad, pool } from './shape-window.js';
import type { Infer, KnownTensor } from './shape-facts.js';
import { constantOfShape, recurrent } from './shape-sequence.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const axis = (a: number, rank: number): number => (a < 0 ? a + rank : a);

function broadcast(shapes: readonly (readonly number[])[]): number[] | null {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[i - (rank - s.length)] ?? 1;
      if (d === 1) continue;
      if (dim !== 1 && dim !== d) return null;
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

const sameAsFirst: Infer = (_node, input) => {
  const x = input(0);
  return x && x.dataType === DataType.FLOAT ? [{ shape: x.shape, dataType: x.dataType }] : null;
};

const INTEGER = new Set<number>([DataType.INT64, DataType.INT32]);

/** Elementwise ops over broadcast inputs; integer inputs (shape arithmetic) also get their values. */
function elementwise(op: (a: number, b: number) => number): Infer {
  return (node, input) => {
    const xs = (node.input ?? []).map((_, i) => input(i));
    if (xs.some((x) => !x)) return null;
    const known = xs as KnownTensor[];
    const shape = broadcast(known.map((x) => x.shape));
    if (!shape) return null;
    const dataType = (known[0] as KnownTensor).dataType;
    if (!INTEGER.has(dataType)) return [{ shape, dataType }];
    if (known.some((x) => !x.values) || size(shape) !== Math.max(...known.map((x) => size(x.shape)))) return null;
    const at = (x: KnownTensor, i: number): number => (x.values as readonly number[])[size(x.shape) === 1 ? 0 : i] as number;
    const values = Array.from({ length: size(shape) }, (_, i) => known.slice(1).reduce((acc, x) => op(acc, at(x, i)), at(known[0] as KnownTensor, i)));
    return [{ shape, dataType, values }];
  };
}

const flatten: Infer = (node, input) => {
  const x = input(0);
  if (!x) return null;
  const at = axis(intAttribute(node, 'axis', 1), x.shape.length);
  return [{ shape: [size(x.shape.slice(0, at)), size(x.shape.slice(at))], dataType: x.dataType }];
};

const gemm: Infer = (node, input) => {
  const a = input(0);
  const b = input(1);
  if (!a || !b || a.shape.length !== 2 || b.shape.length !== 2) return null;
  const m = intAttribute(node, 'transA', 0) ? a.shape[1] : a.shape[0];
  const n = intAttribute(node, 'transB', 0) ? b.shape[0] : b.shape[1];
  return [{ shape: [m as number, n as number], dataType: a.dataType }];
};

const matMul: Infer = (_node, input) => {
  const a = input(0);
  const b = input(1);
  if (!a || !b || a.shape.length < 2 || b.shape.length < 2) return null;
  const lead = broadcast([a.shape.slice(0, -2), b.shape.slice(0, -2)]);
  return lead ? [{ shape: [...lead, a.shape[a.shape.length - 2] as number, b.shape[b.shape.length - 1] as number], dataType: a.dataType }] : null;
};

const reshape: Infer = (node, input) => {
  const x = input(0);
  const target = input(1)?.values;
  if (!x || !target) return null;
  const allowZero = intAttribute(node, 'allowzero', 0) === 1;
  const dims = target.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] as number) : d));
  const known = dims.filter((d) => d !== -1);
  if (dims.length - known.length > 1) return null;
  const shape = dims.map((d) => (d === -1 ? size(x.shape) / size(known) : d));
  if (!shape.every(Number.isSafeInteger) || size(shape) !== size(x.shape)) return null;
  return [{ shape, dataType: x.dataType, ...(x.values ? { values: x.values } : {}) }];
};

const transpose: Infer = (node, input) => {
  const x = input(0);
  if (!x) return null;
  const perm = intsAttribute(node, 'perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  return [{ shape: perm.map((p) => x.shape[p] as number), dataType: x.dataType }];
};

const concat: Infer = (node, input) => {
  const xs = (node.input ?? []).map((_, i) => input(i));
  if (xs.some((x) => !x) || xs.length === 0) return null;
  const known = xs as KnownTensor[];
  const first = known[0] as KnownTensor;
  const at = axis(intAttribute(node, 'axis', 0), first.shape.length);
  const shape = first.shape.map((d, i) => (i === at ? known.reduce((n, x) => n + (x.shape[i] as number), 0) : d));
  const values =
    INTEGER.has(first.dataType) && at === 0 && first.shape.length === 1 && known.every((x) => x.values)
      ? known.flatMap((x) => x.values as readonly number[])
      : undefined;
  if (INTEGER.has(first.dataType) && !values) return null;
  return [{ shape, dataType: first.dataType, ...(values ? { values } : {}) }];
};

/** Axes from the attribute (before opset 13) or from the second input. */
function axesOf(node: onnx.INodeProto, input: (index: number) => KnownTensor | undefined, inputIndex: number): readonly number[] | null | undefined {
  const attribute = intsAttribute(node, 'axes');
  if (attribute) return attribute;
  if (!node.input?.[inputIndex]) return undefined;
  return input(inputIndex)?.values ?? null;
}

const unsqueeze: Infer = (node, input) => {
  const x = input(0);
  const axes = axesOf(node, input, 1);
  if (!x || !axes) return null;
  const rank = x.shape.length + axes.length;
  const at = new Set(axes.map((a) => axis(a, rank)));
  const shape: number[] = [];
  for (let i = 0, j = 0; i < rank; i++) shape.push(at.has(i) ? 1 : (x.shape[j++] as number));
  return [{ shape, dataType: x.dataType, ...(x.values ? { values: x.values } : {}) }];
};

const squeeze: Infer = (node, input) => {
  const x = input(0);
  const axes = axesOf(node, input, 1);
  if (!x || axes === null) return null;
  const at = new Set((axes ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => axis(a, x.shape.length)));
  return [{ shape: x.shape.filter((_, i) => !at.has(i)), dataType: x.dataType, ...(x.values ? { values: x.values } : {}) }];
};

const reduce: Infer = (node, input) => {
  const x = input(0);
  if (!x || !x.shape) return null;
  const axes = axesOf(node, input, 1);
  if (axes === null) return null;
  const keep = intAttribute(node, 'keepdims', 1) === 1;
  const all = !axes || axes.length === 0;
  if (all && intAttribute(node, 'noop_with_empty_axes', 0) === 1) return [{ shape: x.shape, dataType: x.dataType }];
  const at = new Set(all ? x.shape.map((_, i) => i) : (axes as readonly number[]).map((a) => axis(a, x.shape.length)));
  const shape = keep ? x.shape.map((d, i) => (at.has(i) ? 1 : d)) : x.shape.filter((_, i) => !at.has(i));
  return [{ shape, dataType: x.dataType }];
};

const shapeOf: Infer = (node, input) => {
  const x = input(0);
  if (!x) return null;
  const rank = x.shape.length;
  const start = axis(intAttribute(node, 'start', 0), rank);
  const end = node.attribute?.some((a) => a.name === 'end') ? axis(intAttribute(node, 'end', rank), rank) : rank;
  const values = x.shape.slice(Math.max(0, start), Math.min(rank, end));
  return [{ shape: [values.length], dataType: DataType.INT64, values }];
};

const gather: Infer = (node, input) => {
  const x = input(0);
  const indices = input(1);
  if (!x || !indices) return null;
  const at = axis(intAttribute(node, 'axis', 0), x.shape.length);
  const shape = [...x.shape.slice(0, at), ...indices.shape, ...x.shape.slice(at + 1)];
  if (!INTEGER.has(x.dataType)) return [{ shape, dataType: x.dataType }];
  if (!x.values || !indices.values || x.shape.length !== 1) return null;
  const length = x.shape[0] as number;
  return [{ shape, dataType: x.dataType, values: indices.values.map((i) => (x.values as readonly number[])[i < 0 ? i + length : i] as number) }];
};

const cast: Infer = (node, input) => {
  const x = input(0);
  if (!x) return null;
  const to = intAttribute(node, 'to', DataType.FLOAT);
  if (INTEGER.has(to) && !x.values) return null;
  return [{ shape: x.shape, dataType: to, ...(INTEGER.has(to) && x.values ? { values: x.values.map(Math.trunc) } : {}) }];
};

const UNARY = [
  'Relu',
  'LeakyRelu',
  'Elu',
  'Selu',
  'Sigmoid',
  'Tanh',
  'Softplus',
  'Softsign',
  'HardSigmoid',
  'HardSwish',
  'Exp',
  'Log',
  'Sqrt',
  'Neg',
  'Abs',
  'Sin',
  'Cos',
  'Erf',
  'Reciprocal',
  'Clip',
  'Softmax',
  'LogSoftmax',
  'LRN',
  'BatchNormalization',
  'InstanceNormalization',
  'Dropout',
  'Identity',
  'PRelu',
  'Gelu',
  'Mish',
  'LayerNormalization',
];

export const SHAPE_RULES: ReadonlyMap<string, Infer> = new Map<string, Infer>([
  ...UNARY.map((op) => [op, sameAsFirst] as [string, Infer]),
  ['Add', elementwise((a, b) => a + b)],
  ['Sub', elementwise((a, b) => a - b)],
  ['Mul', elementwise((a, b) => a * b)],
  ['Div', elementwise((a, b) => Math.trunc(a / b))],
  ['Pow', elementwise((a, b) => a ** b)],
  ['Max', elementwise(Math.max)],
  ['Min', elementwise(Math.min)],
  ['Sum', elementwise((a, b) => a + b)],
  ['Conv', conv],
  ['Pad', pad],
  ['ConstantOfShape', constantOfShape],
  ...(['LSTM', 'GRU', 'RNN'] as const).map((op) => [op, recurrent] as const),
  ['MaxPool', pool],
  ['AveragePool', pool],
  ['GlobalAveragePool', globalPool],
  ['GlobalMaxPool', globalPool],
  ['Flatten', flatten],
  ['Gemm', gemm],
  ['MatMul', matMul],
  ['Reshape', reshape],
  ['Transpose', transpose],
  ['Concat', concat],
  ['Unsqueeze', unsqueeze],
  ['Squeeze', squeeze],
  ['ReduceMean', reduce],
  ['ReduceSum', reduce],
  ['ReduceMax', reduce],
  ['Shape', shapeOf],
  ['Gather', gather],
  ['Cast', cast],
]);
