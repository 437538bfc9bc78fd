import { makeModel } from '../helpers/model.js';
import { rng, uniform } from '../helpers/random.js';

const random = rng(17);
const values = (count: number, scale = 1): number[] => Array.from(uniform(random, count, -scale, scale));

/** Hand-built models that together use every op the rewrite carries; [N, ...] inputs named x. */
export const supportedModels: readonly { name: string; bytes: Uint8Array; pointShape: readonly number[] }[] = [
  {
    name: 'Conv + BatchNormalization + Relu + MaxPool + Flatten + Gemm',
    pointShape: [2, 6, 6],
    bytes: makeModel({
      opset: 13,
      inputs: { x: ['N', 2, 6, 6] },
      constants: {
        w: { dims: [3, 2, 3, 3], values: values(54) },
        b: { dims: [3], values: values(3) },
        scale: { dims: [3], values: values(3) },
        shift: { dims: [3], values: values(3) },
        mean: { dims: [3], values: values(3, 0.3) },
        variance: { dims: [3], values: [0.5, 1.2, 0.8] },
        w2: { dims: [27, 4], values: values(108) },
        c: { dims: [4], values: values(4) },
      },
      nodes: [
        { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['conv'], attributes: { pads: { ints: [1, 1, 1, 1] } } },
        { op: 'BatchNormalization', inputs: ['conv', 'scale', 'shift', 'mean', 'variance'], outputs: ['bn'] },
        { op: 'Relu', inputs: ['bn'], outputs: ['relu'] },
        { op: 'MaxPool', inputs: ['relu'], outputs: ['pool'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
        { op: 'Flatten', inputs: ['pool'], outputs: ['flat'] },
        { op: 'Gemm', inputs: ['flat', 'w2', 'c'], outputs: ['y'], attributes: { beta: { float: 0.5 } } },
      ],
      outputs: ['y'],
    }),
  },
  {
    name: 'Tanh + Sigmoid + Concat + pools + residual Add + Sub + Mul + Reshape + Transpose + MatMul + Add',
    pointShape: [1, 4, 4],
    bytes: makeModel({
      opset: 13,
      inputs: { x: ['N', 1, 4, 4] },
      constants: {
        one: { dims: [1], values: [1] },
        two: { dims: [1], values: [2] },
        shape: { dims: [2], values: [-1, 8], type: 'int64' },
        w: { dims: [3, 8], values: values(24) },
        bias: { dims: [3], values: values(3) },
      },
      nodes: [
        { op: 'Tanh', inputs: ['x'], outputs: ['a'] },
        { op: 'Sigmoid', inputs: ['x'], outputs: ['b'] },
        { op: 'Concat', inputs: ['a', 'b'], outputs: ['c'], attributes: { axis: { int: 1 } } },
        { op: 'AveragePool', inputs: ['c'], outputs: ['d'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
        { op: 'GlobalAveragePool', inputs: ['c'], outputs: ['e'] },
        { op: 'Add', inputs: ['d', 'e'], outputs: ['f'] },
        { op: 'Sub', inputs: ['f', 'one'], outputs: ['g'] },
        { op: 'Mul', inputs: ['two', 'g'], outputs: ['h'] },
        { op: 'Reshape', inputs: ['h', 'shape'], outputs: ['r'] },
        { op: 'Transpose', inputs: ['r'], outputs: ['t'], attributes: { perm: { ints: [1, 0] } } },
        { op: 'MatMul', inputs: ['w', 't'], outputs: ['m'] },
        { op: 'Transpose', inputs: ['m'], outputs: ['mt'], attributes: { perm: { ints: [1, 0] } } },
        { op: 'Add', inputs: ['bias', 'mt'], outputs: ['y'] },
      ],
      outputs: ['y'],
    }),
  },
  {
    name: 'Pad + Slice + Unsqueeze + Squeeze + Dropout + Div + Sub from a constant + MatMul',
    pointShape: [5],
    bytes: makeModel({
      opset: 13,
      inputs: { x: ['N', 5] },
      constants: {
        pads: { dims: [4], values: [0, 1, 0, 2], type: 'int64' },
        value: { dims: [], values: [0.5] },
        starts: { dims: [1], values: [1], type: 'int64' },
        ends: { dims: [1], values: [7], type: 'int64' },
        axes: { dims: [1], values: [1], type: 'int64' },
        axis: { dims: [1], values: [2], type: 'int64' },
        divisor: { dims: [1], values: [-4] },
        offset: { dims: [6], values: values(6) },
        w: { dims: [6, 3], values: values(18) },
      },
      nodes: [
        { op: 'Pad', inputs: ['x', 'pads', 'value'], outputs: ['p'] },
        { op: 'Slice', inputs: ['p', 'starts', 'ends', 'axes'], outputs: ['s'] },
        { op: 'Unsqueeze', inputs: ['s', 'axis'], outputs: ['u'] },
        { op: 'Squeeze', inputs: ['u', 'axis'], outputs: ['q'] },
        { op: 'Dropout', inputs: ['q'], outputs: ['d'] },
        { op: 'Div', inputs: ['d', 'divisor'], outputs: ['v'] },
        { op: 'Sub', inputs: ['offset', 'v'], outputs: ['o'] },
        { op: 'MatMul', inputs: ['o', 'w'], outputs: ['y'] },
      ],
      outputs: ['y'],
    }),
  },
];

/** y = x·W + b, for the linear-exactness check. */
export function linearModel(w: readonly number[], b: readonly number[] | null, inputs: number, outputs: number): Uint8Array {
  return makeModel({
    opset: 13,
    inputs: { x: ['N', inputs] },
    constants: { w: { dims: [inputs, outputs], values: w }, ...(b ? { b: { dims: [outputs], values: b } } : {}) },
    nodes: [{ op: 'Gemm', inputs: b ? ['x', 'w', 'b'] : ['x', 'w'], outputs: ['y'] }],
    outputs: ['y'],
  });
}
