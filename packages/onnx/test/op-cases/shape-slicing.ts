import { int, ints, node, single, str, type OpCase } from './case.js';
import type { ConstantSpec } from '../helpers/model.js';

const i64 = (values: number[], dims = [values.length]): ConstantSpec => ({ dims, values, type: 'int64' });

export const shapeCases: OpCase[] = [
  single('Flatten axis 2', 13, 'Flatten', { x: [2, 3, 4, 2] }, { axis: int(2) }),
  single('Reshape with -1', 13, 'Reshape', { x: [2, 3, 4] }, {}, { nodeInputs: ['x', 's'], constants: { s: i64([4, -1]) } }),
  single('Squeeze axes attribute (opset 11)', 11, 'Squeeze', { x: [2, 1, 3, 1] }, { axes: ints([1, 3]) }),
  single('Squeeze axes input (opset 13)', 13, 'Squeeze', { x: [2, 1, 3, 1] }, {}, { nodeInputs: ['x', 'a'], constants: { a: i64([-1]) } }),
  single('Unsqueeze axes attribute (opset 12)', 12, 'Unsqueeze', { x: [2, 3] }, { axes: ints([0, 3]) }),
  single('Unsqueeze axes input (opset 13)', 13, 'Unsqueeze', { x: [2, 3] }, {}, { nodeInputs: ['x', 'a'], constants: { a: i64([1]) } }),
  single('Transpose perm', 13, 'Transpose', { x: [2, 3, 4] }, { perm: ints([2, 0, 1]) }),
  single('Transpose default perm', 13, 'Transpose', { x: [2, 3, 4] }),
  single('Expand [3,1] to [2,3,4]', 13, 'Expand', { x: [3, 1] }, {}, { nodeInputs: ['x', 's'], constants: { s: i64([2, 3, 4]) } }),
  single('Tile', 13, 'Tile', { x: [2, 3] }, {}, { nodeInputs: ['x', 'r'], constants: { r: i64([2, 3]) } }),
  {
    name: 'Reshape to a runtime shape (Shape → Gather → Concat)',
    model: {
      opset: 13,
      inputs: { x: [2, 3, 4] },
      constants: { zero: i64([0], []), minusOne: i64([-1]) },
      nodes: [
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'zero'], ['n']),
        node('Unsqueeze', ['n', 'axis0'], ['n1']),
        node('Concat', ['n1', 'minusOne'], ['target'], { axis: int(0) }),
        node('Reshape', ['x', 'target'], ['flat']),
        node('Mul', ['flat', 'flat'], ['y']),
      ],
      outputs: ['y'],
    },
  },
];
// The Unsqueeze above needs its axes as a constant.
(shapeCases[shapeCases.length - 1]?.model.constants as Record<string, ConstantSpec>)['axis0'] = i64([0]);

export const slicingCases: OpCase[] = [
  single('Concat axis 1', 13, 'Concat', { a: [2, 3, 2], b: [2, 1, 2], c: [2, 2, 2] }, { axis: int(1) }),
  {
    name: 'Split with split attribute (opset 11), one output unused',
    model: {
      opset: 11,
      inputs: { x: [2, 6] },
      nodes: [node('Split', ['x'], ['a', 'b', 'c'], { axis: int(1), split: ints([1, 2, 3]) }), node('Mul', ['a', 'c'], ['y'])],
      outputs: ['y'],
    },
  },
  {
    name: 'Split with split input (opset 13)',
    model: {
      opset: 13,
      inputs: { x: [4, 3] },
      constants: { parts: i64([3, 1]) },
      nodes: [
        node('Split', ['x', 'parts'], ['a', 'b'], { axis: int(0) }),
        node('ReduceSum', ['a'], ['s'], { keepdims: int(0) }),
        node('Mul', ['b', 's'], ['y']),
      ],
      outputs: ['y'],
    },
  },
  {
    name: 'Split num_outputs (opset 18)',
    model: {
      opset: 18,
      inputs: { x: [2, 6] },
      nodes: [node('Split', ['x'], ['a', 'b'], { axis: int(-1), num_outputs: int(2) }), node('Sub', ['a', 'b'], ['d']), node('Mul', ['d', 'a'], ['y'])],
      outputs: ['y'],
    },
  },
  single(
    'Slice starts/ends/axes/steps with step 2',
    13,
    'Slice',
    { x: [4, 7] },
    {},
    { nodeInputs: ['x', 's', 'e', 'a', 'p'], constants: { s: i64([1, 0]), e: i64([4, 7]), a: i64([0, 1]), p: i64([1, 2]) } },
  ),
  single(
    'Slice negative step and clamped bounds',
    11,
    'Slice',
    { x: [3, 6] },
    {},
    { nodeInputs: ['x', 's', 'e', 'a', 'p'], constants: { s: i64([-1]), e: i64([-100]), a: i64([1]), p: i64([-2]) } },
  ),
  single('Slice default axes', 13, 'Slice', { x: [5, 4] }, {}, { nodeInputs: ['x', 's', 'e'], constants: { s: i64([1, -3]), e: i64([100, -1]) } }),
  single(
    'Gather axis 0 with repeated and negative indices',
    13,
    'Gather',
    { x: [5, 3] },
    {},
    { nodeInputs: ['x', 'i'], constants: { i: i64([0, 4, -1, 2, 0], [5]) } },
  ),
  single(
    'Gather axis 1 with 2-D indices',
    11,
    'Gather',
    { x: [2, 4, 3] },
    { axis: int(1) },
    { nodeInputs: ['x', 'i'], constants: { i: i64([3, 1, 1, 0], [2, 2]) } },
  ),
  single('Gather scalar index', 13, 'Gather', { x: [4, 3] }, {}, { nodeInputs: ['x', 'i'], constants: { i: i64([2], []) } }),
  single('Pad constant', 13, 'Pad', { x: [2, 3, 3] }, {}, { nodeInputs: ['x', 'p'], constants: { p: i64([0, 1, 2, 0, 2, 1]) } }),
  single('Pad constant with negative pads', 11, 'Pad', { x: [3, 5] }, {}, { nodeInputs: ['x', 'p'], constants: { p: i64([1, -1, -1, 2]) } }),
  single('Pad reflect', 13, 'Pad', { x: [1, 2, 4, 5] }, { mode: str('reflect') }, { nodeInputs: ['x', 'p'], constants: { p: i64([0, 0, 2, 3, 0, 0, 3, 1]) } }),
  single('Pad edge', 11, 'Pad', { x: [1, 2, 3, 3] }, { mode: str('edge') }, { nodeInputs: ['x', 'p'], constants: { p: i64([0, 0, 2, 1, 0, 0, 1, 3]) } }),
  single(
    'Pad with axes (opset 18)',
    18,
    'Pad',
    { x: [2, 3, 4] },
    { mode: str('reflect') },
    { nodeInputs: ['x', 'p', '', 'a'], constants: { p: i64([2, 1, 0, 2]), a: i64([2, 1]) } },
  ),
  single('Pad wrap (opset 19)', 19, 'Pad', { x: [2, 3] }, { mode: str('wrap') }, { nodeInputs: ['x', 'p'], constants: { p: i64([1, 2, 0, 4]) } }),
];
