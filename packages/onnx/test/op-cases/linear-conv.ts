import { float, int, ints, node, single, str, type OpCase } from './case.js';

export const linearCases: OpCase[] = [
  single('MatMul [2,3,4]@[4,5]', 13, 'MatMul', { a: [2, 3, 4], b: [4, 5] }),
  single('MatMul 1-D left [4]@[2,4,5]', 13, 'MatMul', { a: [4], b: [2, 4, 5] }),
  single('MatMul 1-D right [2,3,4]@[4]', 13, 'MatMul', { a: [2, 3, 4], b: [4] }),
  single('MatMul 1-D both [4]@[4]', 13, 'MatMul', { a: [4], b: [4] }),
  single('MatMul batch broadcast [2,1,3,4]@[3,4,2]', 11, 'MatMul', { a: [2, 1, 3, 4], b: [3, 4, 2] }),
  single('Gemm plain with C [1,5]', 13, 'Gemm', { a: [3, 4], b: [4, 5], c: [1, 5] }, { alpha: float(0.7), beta: float(1.3) }),
  single('Gemm transA transB with C [5]', 13, 'Gemm', { a: [4, 3], b: [5, 4], c: [5] }, { transA: int(1), transB: int(1) }),
  single('Gemm transB without C (opset 11)', 11, 'Gemm', { a: [3, 4], b: [5, 4] }, { transB: int(1) }),
];

export const convCases: OpCase[] = [
  single('Conv 2-D stride 2, asymmetric pads, bias', 11, 'Conv', { x: [2, 3, 7, 6], w: [4, 3, 3, 2], bias: [4] }, { strides: ints([2, 2]), pads: ints([1, 0, 0, 1]) }, { check: ['x', 'bias'] }),
  single('Conv 2-D dilation 2, groups 2', 13, 'Conv', { x: [1, 4, 7, 7], w: [6, 2, 3, 3] }, { dilations: ints([2, 2]), group: int(2), pads: ints([1, 1, 1, 1]) }, { check: ['x'] }),
  single('Conv depthwise stride 2 SAME_UPPER', 13, 'Conv', { x: [1, 3, 6, 5], w: [3, 1, 3, 3] }, { group: int(3), strides: ints([2, 2]), auto_pad: str('SAME_UPPER') }, { check: ['x'] }),
  single('Conv 2-D SAME_LOWER', 13, 'Conv', { x: [1, 2, 5, 5], w: [2, 2, 2, 2] }, { auto_pad: str('SAME_LOWER') }, { check: ['x'] }),
  single('Conv 1-D stride 3', 13, 'Conv', { x: [2, 2, 10], w: [3, 2, 3] }, { strides: ints([3]) }, { check: ['x'] }),
  single('Conv 3-D', 13, 'Conv', { x: [1, 2, 4, 4, 3], w: [2, 2, 2, 2, 2] }, { pads: ints([1, 0, 1, 0, 1, 0]) }, { check: ['x'] }),
  // Stride 1: the input gradient is a convolution with the flipped, channel-swapped kernel.
  single('Conv stride 1 pads 1, bias', 13, 'Conv', { x: [2, 3, 5, 6], w: [4, 3, 3, 3], bias: [4] }, { pads: ints([1, 1, 1, 1]) }, { check: ['x', 'bias'] }),
  single('Conv stride 1 no pads, 1x1 and 2x3 kernels', 13, 'Conv', { x: [1, 2, 5, 6], w: [3, 2, 2, 3] }, {}, { check: ['x'] }),
  single('Conv 1x1', 13, 'Conv', { x: [2, 5, 3, 4], w: [3, 5, 1, 1] }, {}, { check: ['x'] }),
  single('Conv stride 1 asymmetric pads, dilation (2, 1)', 13, 'Conv', { x: [1, 2, 7, 6], w: [3, 2, 3, 2] }, { pads: ints([2, 0, 1, 1]), dilations: ints([2, 1]) }, { check: ['x'] }),
  single('Conv stride 1 groups 3 (2 in, 2 out per group)', 13, 'Conv', { x: [1, 6, 5, 5], w: [6, 2, 3, 3] }, { group: int(3), pads: ints([0, 1, 2, 1]) }, { check: ['x'] }),
  single('Conv stride 1 groups 2 (3 in, 1 out per group)', 13, 'Conv', { x: [2, 6, 4, 5], w: [2, 3, 2, 2] }, { group: int(2) }, { check: ['x'] }),
  single('Conv depthwise stride 1, channel multiplier 2', 13, 'Conv', { x: [1, 3, 5, 5], w: [6, 1, 3, 3] }, { group: int(3), pads: ints([1, 1, 1, 1]) }, { check: ['x'] }),
  single('Conv depthwise stride 1 pads 1', 13, 'Conv', { x: [2, 4, 5, 4], w: [4, 1, 3, 3] }, { group: int(4), pads: ints([1, 1, 1, 1]) }, { check: ['x'] }),
  single('Conv stride 1 SAME_UPPER even kernel', 13, 'Conv', { x: [1, 2, 5, 6], w: [2, 2, 2, 4] }, { auto_pad: str('SAME_UPPER') }, { check: ['x'] }),
  single('Conv stride 1 VALID', 11, 'Conv', { x: [1, 2, 6, 5], w: [3, 2, 3, 2] }, { auto_pad: str('VALID') }, { check: ['x'] }),
  single('Conv stride 1 pads wider than the kernel', 13, 'Conv', { x: [1, 2, 4, 4], w: [2, 2, 2, 2] }, { pads: ints([2, 0, 0, 2]) }, { check: ['x'] }),
  single('Conv stride 2 pads 1', 13, 'Conv', { x: [2, 3, 8, 8], w: [4, 3, 3, 3] }, { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }, { check: ['x'] }),
  single('Conv stride 2 odd size, last window short of the end', 13, 'Conv', { x: [1, 2, 9, 8], w: [3, 2, 3, 2] }, { strides: ints([2, 2]) }, { check: ['x'] }),
  single('Conv stride 2 asymmetric pads, odd sizes', 13, 'Conv', { x: [1, 3, 7, 9], w: [2, 3, 3, 3] }, { strides: ints([2, 2]), pads: ints([0, 2, 1, 0]) }, { check: ['x'] }),
  single('Conv 7x7 stride 2 pads 3 (ResNet conv1)', 13, 'Conv', { x: [1, 3, 11, 12], w: [4, 3, 7, 7] }, { strides: ints([2, 2]), pads: ints([3, 3, 3, 3]) }, { check: ['x'] }),
  single('Conv 1x1 stride 2 (kernel smaller than the stride)', 13, 'Conv', { x: [2, 4, 7, 6], w: [3, 4, 1, 1] }, { strides: ints([2, 2]) }, { check: ['x'] }),
  single('Conv 2x1 stride 3 pads (kernel smaller than the stride)', 13, 'Conv', { x: [1, 2, 10, 8], w: [3, 2, 2, 1] }, { strides: ints([3, 3]), pads: ints([1, 0, 2, 1]) }, { check: ['x'] }),
  single('Conv stride 3 pads 1, 4x5 kernel', 13, 'Conv', { x: [1, 2, 11, 13], w: [3, 2, 4, 5] }, { strides: ints([3, 3]), pads: ints([1, 1, 1, 2]) }, { check: ['x'] }),
  single('Conv stride 2 SAME_UPPER', 13, 'Conv', { x: [1, 2, 7, 8], w: [3, 2, 3, 3] }, { strides: ints([2, 2]), auto_pad: str('SAME_UPPER') }, { check: ['x'] }),
  single('Conv stride 3 SAME_LOWER even kernel', 13, 'Conv', { x: [1, 2, 8, 7], w: [2, 2, 4, 2] }, { strides: ints([3, 3]), auto_pad: str('SAME_LOWER') }, { check: ['x'] }),
  single('Conv stride 2 VALID', 11, 'Conv', { x: [1, 3, 9, 6], w: [2, 3, 3, 2] }, { strides: ints([2, 2]), auto_pad: str('VALID') }, { check: ['x'] }),
  single('Conv stride 2 groups 2 (2 in, 3 out per group)', 13, 'Conv', { x: [1, 4, 7, 8], w: [6, 2, 3, 3] }, { group: int(2), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }, { check: ['x'] }),
  single('Conv depthwise stride 2 pads 1, channel multiplier 2', 13, 'Conv', { x: [2, 3, 8, 7], w: [6, 1, 3, 3] }, { group: int(3), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }, { check: ['x'] }),
  single('Conv 7x7 stride 2 SAME_UPPER, even size (polyphase)', 13, 'Conv', { x: [1, 2, 10, 9], w: [3, 2, 7, 7] }, { strides: ints([2, 2]), auto_pad: str('SAME_UPPER') }, { check: ['x'] }),
  single('Conv 7x7 stride 2 SAME_LOWER depthwise (polyphase)', 13, 'Conv', { x: [1, 3, 9, 11], w: [3, 1, 7, 7] }, { group: int(3), strides: ints([2, 2]), auto_pad: str('SAME_LOWER') }, { check: ['x'] }),
  single('Conv 6x6 stride 2 asymmetric pads, groups 2 (polyphase)', 13, 'Conv', { x: [2, 4, 11, 10], w: [6, 2, 6, 6] }, { group: int(2), strides: ints([2, 2]), pads: ints([2, 1, 1, 3]) }, { check: ['x'] }),
  single('Conv 6x6 stride 3 VALID, last window short of the end (polyphase)', 11, 'Conv', { x: [1, 2, 14, 13], w: [3, 2, 6, 6] }, { strides: ints([3, 3]), auto_pad: str('VALID') }, { check: ['x'] }),
  single('Conv 7x7 stride 2 pads 3, odd size, bias (polyphase)', 13, 'Conv', { x: [2, 3, 9, 13], w: [2, 3, 7, 7], bias: [2] }, { strides: ints([2, 2]), pads: ints([3, 3, 3, 3]) }, { check: ['x', 'bias'] }),
  single('Conv stride 2 pads wider than the kernel', 13, 'Conv', { x: [1, 2, 5, 5], w: [2, 2, 2, 2] }, { strides: ints([2, 2]), pads: ints([3, 2, 0, 3]) }, { check: ['x'] }),
  single('Conv stride (1, 2) mixed', 13, 'Conv', { x: [1, 2, 5, 7], w: [2, 2, 3, 3] }, { strides: ints([1, 2]), pads: ints([1, 1, 1, 1]) }, { check: ['x'] }),
  single('Conv 1-D stride 1 dilation 3', 13, 'Conv', { x: [2, 3, 11], w: [2, 3, 3] }, { dilations: ints([3]), pads: ints([2, 4]) }, { check: ['x'] }),
  single('Conv 3-D stride 1 groups 2', 13, 'Conv', { x: [1, 4, 4, 3, 4], w: [2, 2, 2, 3, 2] }, { group: int(2), pads: ints([1, 1, 0, 0, 1, 1]) }, { check: ['x'] }),
  single('ConvTranspose 2-D stride 2, pads, output_padding', 11, 'ConvTranspose', { x: [1, 3, 4, 3], w: [3, 2, 3, 3] }, { strides: ints([2, 2]), pads: ints([1, 0, 1, 1]), output_padding: ints([1, 0]) }, { check: ['x'] }),
  single('ConvTranspose groups 2, dilation 2', 13, 'ConvTranspose', { x: [1, 4, 3, 3], w: [4, 1, 2, 2] }, { group: int(2), dilations: ints([2, 2]) }, { check: ['x'] }),
  single('ConvTranspose output_shape', 13, 'ConvTranspose', { x: [1, 2, 3, 3], w: [2, 2, 3, 3] }, { strides: ints([2, 2]), output_shape: ints([6, 7]) }, { check: ['x'] }),
  single('ConvTranspose SAME_UPPER', 13, 'ConvTranspose', { x: [1, 2, 3, 3], w: [2, 2, 3, 3] }, { strides: ints([2, 2]), auto_pad: str('SAME_UPPER') }, { check: ['x'] }),
];

export const poolingCases: OpCase[] = [
  single('MaxPool 2x2 stride 2', 13, 'MaxPool', { x: [2, 3, 6, 6] }, { kernel_shape: ints([2, 2]), strides: ints([2, 2]) }),
  single('MaxPool 3x3 stride 2 pads 1 ceil_mode', 12, 'MaxPool', { x: [1, 2, 6, 7] }, { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), ceil_mode: int(1) }),
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
  single('AveragePool 3x3 stride 2 pads exclude pad', 11, 'AveragePool', { x: [1, 2, 7, 6] }, { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }),
  single('AveragePool count_include_pad ceil_mode', 11, 'AveragePool', { x: [1, 2, 6, 6] }, { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 0, 0]), count_include_pad: int(1), ceil_mode: int(1) }),
  single('AveragePool 1-D', 13, 'AveragePool', { x: [2, 3, 8] }, { kernel_shape: ints([3]), strides: ints([2]) }),
  single('GlobalAveragePool', 13, 'GlobalAveragePool', { x: [2, 3, 4, 5] }),
  single('GlobalMaxPool', 13, 'GlobalMaxPool', { x: [2, 3, 4, 5] }),
];

export const normalizationCases: OpCase[] = [
  single('BatchNormalization inference', 15, 'BatchNormalization', { x: [2, 3, 4, 4] }, { epsilon: float(1e-3) }, {
    nodeInputs: ['x', 'scale', 'bias', 'mean', 'var'],
    constants: {
      scale: { dims: [3], values: [0.5, -1.2, 2] },
      bias: { dims: [3], values: [0.1, 0.2, 0.3] },
      mean: { dims: [3], values: [0.05, -0.1, 0.2] },
      var: { dims: [3], values: [0.8, 1.5, 0.3] },
    },
  }),
  // Variances at and below ε: a rule that leaves ε out is off by up to √(1 + ε/var) ≈ 3.3×.
  single('BatchNormalization with variances near ε', 15, 'BatchNormalization', { x: [2, 3, 2, 3] }, { epsilon: float(1e-2) }, {
    nodeInputs: ['x', 'scale', 'bias', 'mean', 'var'],
    ranges: { x: [-0.1, 0.1] },
    constants: {
      scale: { dims: [3], values: [0.05, -0.02, 0.03] },
      bias: { dims: [3], values: [0.1, 0.2, 0.3] },
      mean: { dims: [3], values: [0.01, -0.02, 0.005] },
      var: { dims: [3], values: [1e-3, 1e-2, 4e-2] },
    },
  }),
  // The default ε (1e-5) against variances of 1e-5 and 2e-6 (no epsilon attribute).
  single('BatchNormalization default ε with tiny variances (opset 14)', 14, 'BatchNormalization', { x: [1, 2, 3, 2] }, {}, {
    nodeInputs: ['x', 'scale', 'bias', 'mean', 'var'],
    ranges: { x: [-0.01, 0.01] },
    constants: {
      scale: { dims: [2], values: [0.004, -0.002] },
      bias: { dims: [2], values: [0, 0.1] },
      mean: { dims: [2], values: [0.001, -0.002] },
      var: { dims: [2], values: [1e-5, 2e-6] },
    },
  }),
  single('InstanceNormalization', 13, 'InstanceNormalization', { x: [2, 3, 4, 5] }, { epsilon: float(1e-4) }, {
    nodeInputs: ['x', 'scale', 'bias'],
    constants: { scale: { dims: [3], values: [0.5, -1.2, 2] }, bias: { dims: [3], values: [0.1, 0.2, 0.3] } },
  }),
  single('LayerNormalization last axis', 17, 'LayerNormalization', { x: [2, 3, 6] }, {}, {
    nodeInputs: ['x', 'scale', 'bias'],
    constants: { scale: { dims: [6], values: [0.5, -1.2, 2, 1, 0.3, 0.9] }, bias: { dims: [6], values: [0, 0.1, 0.2, 0.3, 0.4, 0.5] } },
  }),
  single('LayerNormalization axis 1', 17, 'LayerNormalization', { x: [2, 3, 4] }, { axis: int(1) }, {
    nodeInputs: ['x', 'scale'],
    constants: { scale: { dims: [3, 4], values: [0.5, -1.2, 2, 1, 0.3, 0.9, 1.1, -0.4, 0.7, 1.3, 0.2, -0.8] } },
  }),
];
