import { float, int, ints, node, single, str, type OpCase } from './case.js';
import type { ConstantSpec } from '../helpers/model.js';

const i64 = (values: number[], dims: number[] = [values.length]): ConstantSpec => ({ dims, values, type: 'int64' });
const f32 = (values: number[]): ConstantSpec => ({ dims: [values.length], values });
const positive = { x: [0.5, 1.5] } as const;

export const rearrangeCases: OpCase[] = [
  single('DepthToSpace DCR blocksize 2', 13, 'DepthToSpace', { x: [2, 8, 2, 3] }, { blocksize: int(2) }),
  single('DepthToSpace CRD blocksize 2', 13, 'DepthToSpace', { x: [2, 8, 3, 2] }, { blocksize: int(2), mode: str('CRD') }),
  single('DepthToSpace DCR blocksize 3 (opset 11)', 11, 'DepthToSpace', { x: [1, 18, 2, 1] }, { blocksize: int(3), mode: str('DCR') }),
  single('SpaceToDepth blocksize 2', 13, 'SpaceToDepth', { x: [2, 3, 4, 6] }, { blocksize: int(2) }),
  single('CumSum axis 1', 14, 'CumSum', { x: [2, 3, 4] }, {}, { nodeInputs: ['x', 'a'], constants: { a: i64([1], []) } }),
  single(
    'CumSum exclusive reverse axis -1',
    14,
    'CumSum',
    { x: [2, 3, 4] },
    { exclusive: int(1), reverse: int(1) },
    { nodeInputs: ['x', 'a'], constants: { a: i64([-1], []) } },
  ),
  single('CumSum exclusive axis 0 (opset 11)', 11, 'CumSum', { x: [3, 4] }, { exclusive: int(1) }, { nodeInputs: ['x', 'a'], constants: { a: i64([0], []) } }),
  single('CumSum reverse axis 1', 14, 'CumSum', { x: [3, 4] }, { reverse: int(1) }, { nodeInputs: ['x', 'a'], constants: { a: i64([1], []) } }),
];

export const reduceMoreCases: OpCase[] = [
  single('ReduceProd axes attribute keepdims 0', 13, 'ReduceProd', { x: [2, 3, 4] }, { axes: ints([1]), keepdims: int(0) }, { ranges: positive }),
  single(
    'ReduceProd axes input (opset 18)',
    18,
    'ReduceProd',
    { x: [2, 3, 4] },
    {},
    { ranges: positive, nodeInputs: ['x', 'a'], constants: { a: i64([0, 2]) } },
  ),
  {
    // z is all zeros: columns of [a; z] hold one zero, of [a; z; z] two, of a none.
    name: 'ReduceProd at zeros: slices with none, one and two',
    model: {
      opset: 13,
      inputs: { a: [2, 3], z: [1, 3] },
      nodes: [
        node('Concat', ['a', 'z'], ['one'], { axis: int(0) }),
        node('Concat', ['a', 'z', 'z'], ['two'], { axis: int(0) }),
        node('ReduceProd', ['one'], ['p1'], { axes: ints([0]) }),
        node('ReduceProd', ['two'], ['p2'], { axes: ints([0]) }),
        node('ReduceProd', ['a'], ['p0'], { axes: ints([0]) }),
        node('Sum', ['p0', 'p1', 'p2'], ['y']),
      ],
      outputs: ['y'],
    },
    ranges: { z: [0, 0] },
  },
  single('ReduceL1 axes attribute', 13, 'ReduceL1', { x: [3, 4] }, { axes: ints([1]) }),
  single(
    'ReduceL1 axes input keepdims 0 (opset 18)',
    18,
    'ReduceL1',
    { x: [2, 3, 4] },
    { keepdims: int(0) },
    { nodeInputs: ['x', 'a'], constants: { a: i64([0, 2]) } },
  ),
  single('ReduceLogSum axes attribute', 13, 'ReduceLogSum', { x: [3, 4] }, { axes: ints([0]) }, { ranges: positive }),
  single(
    'ReduceLogSum axes input keepdims 0 (opset 18)',
    18,
    'ReduceLogSum',
    { x: [2, 3, 4] },
    { keepdims: int(0) },
    { ranges: positive, nodeInputs: ['x', 'a'], constants: { a: i64([1]) } },
  ),
];

export const normMoreCases: OpCase[] = [
  single('LRN size 3', 13, 'LRN', { x: [2, 5, 3, 2] }, { size: int(3), alpha: float(0.5), beta: float(0.75), bias: float(1) }),
  // Caffe-era exports (AlexNet, GoogLeNet) are at legacy opsets.
  single('LRN size 5 (opset 8)', 8, 'LRN', { x: [1, 7, 2, 2] }, { size: int(5), alpha: float(0.3) }),
  single('LRN size 5 window clipped at both ends', 13, 'LRN', { x: [1, 6, 2, 3] }, { size: int(5), alpha: float(0.8), beta: float(0.6), bias: float(2) }),
  single(
    'GroupNormalization per-group scale (opset 18)',
    18,
    'GroupNormalization',
    { x: [2, 6, 3, 2] },
    { num_groups: int(3), epsilon: float(0.01) },
    { nodeInputs: ['x', 's', 'b'], constants: { s: f32([0.5, -1.5, 2]), b: f32([0.1, 0.2, -0.3]) } },
  ),
  single(
    'GroupNormalization per-channel scale (opset 21)',
    21,
    'GroupNormalization',
    { x: [2, 6, 4] },
    { num_groups: int(2) },
    { nodeInputs: ['x', 's', 'b'], constants: { s: f32([0.5, -1.5, 2, 1, 0.7, -0.4]), b: f32([0.1, 0.2, -0.3, 0, 0.5, 1]) } },
  ),
  // Norms over 4 values in [−1, 1] can be small, and x/‖x‖ curves sharply there: at the default
  // step the truncation error dominates (6.9e-5); at 2.5e-3 it falls to the rounding error.
  single('LpNormalization p 2 axis 1', 13, 'LpNormalization', { x: [3, 4, 2] }, { axis: int(1), p: int(2) }, { step: 2.5e-3 }),
  single('LpNormalization p 1 axis -1', 13, 'LpNormalization', { x: [3, 4] }, { p: int(1) }),
];
