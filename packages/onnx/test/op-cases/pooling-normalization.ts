import { float, int, ints, node, single, str, type OpCase } from './case.js';

export const poolingCases: OpCase[] = [
  single('MaxPool 2x2 stride 2', 13, 'MaxPool', { x: [2, 3, 6, 6] }, { kernel_shape: ints([2, 2]), strides: ints([2, 2]) }),
  single(
    'MaxPool 3x3 stride 2 pads 1 ceil_mode',
    12,
    'MaxPool',
    { x: [1, 2, 6, 7] },
    { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), ceil_mode: int(1) },
  ),
  single('MaxPool dilation 2', 12, 'MaxPool', { x: [1, 2, 7, 7] }, { kernel_shape: ints([2, 2]), dilations: ints([2, 2]) }),
  single('MaxPool 1-D SAME_UPPER stride 2', 11, 'MaxPool', { x: [2, 2, 9] }, { kernel_shape: ints([3]), strides: ints([2]), auto_pad: str('SAME_UPPER') }),
  single('MaxPool 3-D', 13, 'MaxPool', { x: [1, 1, 4, 4, 4] }, { kernel_shape: ints([2, 2, 2]), strides: ints([2, 2, 2]) }),
  // Windows of Relu zeros: the gradient is 0 on both sides of every element, so differences
  // cannot see which tied element takes it; tie-conventions.test.ts checks that.
  {
    name: 'MaxPool after Relu (windows of zeros)',
    model: {
      opset: 13,
      inputs: { x: [1, 1, 4, 4] },
      nodes: [node('Relu', ['x'], ['r']), node('MaxPool', ['r'], ['y'], { kernel_shape: ints([2, 2]), strides: ints([1, 1]) })],
      outputs: ['y'],
    },
    ranges: { x: [-1, 0.2] },
  },
  single(
    'AveragePool 3x3 stride 2 pads exclude pad',
    11,
    'AveragePool',
    { x: [1, 2, 7, 6] },
    { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) },
  ),
  single(
    'AveragePool count_include_pad ceil_mode',
    11,
    'AveragePool',
    { x: [1, 2, 6, 6] },
    { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 0, 0]), count_include_pad: int(1), ceil_mode: int(1) },
  ),
  single('AveragePool 1-D', 13, 'AveragePool', { x: [2, 3, 8] }, { kernel_shape: ints([3]), strides: ints([2]) }),
  single('GlobalAveragePool', 13, 'GlobalAveragePool', { x: [2, 3, 4, 5] }),
  single('GlobalMaxPool', 13, 'GlobalMaxPool', { x: [2, 3, 4, 5] }),
];

export const normalizationCases: OpCase[] = [
  single(
    'BatchNormalization inference',
    15,
    'BatchNormalization',
    { x: [2, 3, 4, 4] },
    { epsilon: float(1e-3) },
    {
      nodeInputs: ['x', 'scale', 'bias', 'mean', 'var'],
      constants: {
        scale: { dims: [3], values: [0.5, -1.2, 2] },
        bias: { dims: [3], values: [0.1, 0.2, 0.3] },
        mean: { dims: [3], values: [0.05, -0.1, 0.2] },
        var: { dims: [3], values: [0.8, 1.5, 0.3] },
      },
    },
  ),
  // Variances at and below ε: a rule that leaves ε out is off by up to √(1 + ε/var) ≈ 3.3×.
  single(
    'BatchNormalization with variances near ε',
    15,
    'BatchNormalization',
    { x: [2, 3, 2, 3] },
    { epsilon: float(1e-2) },
    {
      nodeInputs: ['x', 'scale', 'bias', 'mean', 'var'],
      ranges: { x: [-0.1, 0.1] },
      constants: {
        scale: { dims: [3], values: [0.05, -0.02, 0.03] },
        bias: { dims: [3], values: [0.1, 0.2, 0.3] },
        mean: { dims: [3], values: [0.01, -0.02, 0.005] },
        var: { dims: [3], values: [1e-3, 1e-2, 4e-2] },
      },
    },
  ),
  // The default ε (1e-5) against variances of 1e-5 and 2e-6 (no epsilon attribute).
  single(
    'BatchNormalization default ε with tiny variances (opset 14)',
    14,
    'BatchNormalization',
    { x: [1, 2, 3, 2] },
    {},
    {
      nodeInputs: ['x', 'scale', 'bias', 'mean', 'var'],
      ranges: { x: [-0.01, 0.01] },
      constants: {
        scale: { dims: [2], values: [0.004, -0.002] },
        bias: { dims: [2], values: [0, 0.1] },
        mean: { dims: [2], values: [0.001, -0.002] },
        var: { dims: [2], values: [1e-5, 2e-6] },
      },
    },
  ),
  single(
    'InstanceNormalization',
    13,
    'InstanceNormalization',
    { x: [2, 3, 4, 5] },
    { epsilon: float(1e-4) },
    {
      nodeInputs: ['x', 'scale', 'bias'],
      constants: { scale: { dims: [3], values: [0.5, -1.2, 2] }, bias: { dims: [3], values: [0.1, 0.2, 0.3] } },
    },
  ),
  single(
    'LayerNormalization last axis',
    17,
    'LayerNormalization',
    { x: [2, 3, 6] },
    {},
    {
      nodeInputs: ['x', 'scale', 'bias'],
      constants: { scale: { dims: [6], values: [0.5, -1.2, 2, 1, 0.3, 0.9] }, bias: { dims: [6], values: [0, 0.1, 0.2, 0.3, 0.4, 0.5] } },
    },
  ),
  single(
    'LayerNormalization axis 1',
    17,
    'LayerNormalization',
    { x: [2, 3, 4] },
    { axis: int(1) },
    {
      nodeInputs: ['x', 'scale'],
      constants: { scale: { dims: [3, 4], values: [0.5, -1.2, 2, 1, 0.3, 0.9, 1.1, -0.4, 0.7, 1.3, 0.2, -0.8] } },
    },
  ),
];
