import type { ConstantSpec } from '../helpers/model.js';
import { int, ints, node, single, str, type OpCase } from './case.js';

const i64 = (values: number[], dims: number[] = []): ConstantSpec => ({ dims, values, type: 'int64' });
const hann = (n: number): number[] => Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));

const dft = (name: string, opset: number, x: number[], attributes: Record<string, ReturnType<typeof int>> = {}, length?: number, axis?: number): OpCase =>
  single(`DFT ${name}`, opset, 'DFT', { x }, attributes, {
    constants: { ...(length === undefined ? {} : { n: i64([length]) }), ...(axis === undefined ? {} : { a: i64([axis]) }) },
    nodeInputs: ['x', length === undefined ? '' : 'n', ...(axis === undefined ? [] : ['a'])],
  });

const dftCases: OpCase[] = [
  dft('real, odd length', 17, [2, 5, 1]),
  dft('complex, axis 2 of rank 4', 17, [2, 3, 4, 2], { axis: int(2) }),
  dft('complex, axis −2 of rank 4', 17, [2, 4, 3, 2], { axis: int(-2) }),
  dft('real, axis 0', 17, [4, 3, 1], { axis: int(0) }),
  dft('real one-sided', 17, [2, 6, 1], { onesided: int(1) }),
  dft('real one-sided, odd length', 17, [3, 7, 1], { onesided: int(1) }),
  dft('complex inverse', 17, [2, 5, 2], { inverse: int(1) }),
  dft('real inverse', 17, [3, 4, 1], { inverse: int(1) }),
  dft('one-sided inverse (irfft), default length', 17, [2, 4, 2], { inverse: int(1), onesided: int(1) }),
  dft('one-sided inverse (irfft), odd dft_length', 17, [2, 4, 2], { inverse: int(1), onesided: int(1) }, 7),
  dft('real, dft_length pads', 17, [2, 5, 1], {}, 7),
  dft('complex, dft_length truncates', 17, [2, 5, 2], {}, 3),
  dft('real one-sided, dft_length truncates', 17, [2, 6, 1], { onesided: int(1) }, 5),
  dft('opset 20, default axis −2', 20, [2, 3, 5, 1], { onesided: int(1) }),
  dft('opset 20, axis input −3', 20, [2, 3, 4, 2], {}, undefined, -3),
  dft('opset 20, axis input 1, inverse, dft_length', 20, [2, 4, 3, 2], { inverse: int(1) }, 6, 1),
];

const step = (value: number): ConstantSpec => i64([value]);

const stftCases: OpCase[] = [
  single(
    'STFT real, window initializer, one-sided',
    17,
    'STFT',
    { s: [2, 16, 1] },
    {},
    {
      constants: { step: step(3), w: { dims: [6], values: hann(6) } },
      nodeInputs: ['s', 'step', 'w'],
    },
  ),
  single(
    'STFT real, window as input, two-sided',
    17,
    'STFT',
    { s: [1, 12, 1], w: [5] },
    { onesided: int(0) },
    { constants: { step: step(2) }, nodeInputs: ['s', 'step', 'w'] },
  ),
  single(
    'STFT real, frame_length without window',
    17,
    'STFT',
    { s: [2, 10, 1] },
    {},
    {
      constants: { step: step(4), n: i64([4]) },
      nodeInputs: ['s', 'step', '', 'n'],
    },
  ),
  single(
    'STFT window and frame_length, step as a 1-element tensor',
    17,
    'STFT',
    { s: [1, 11, 1] },
    {},
    {
      constants: { step: i64([2], [1]), w: { dims: [5], values: hann(5) }, n: i64([5]) },
      nodeInputs: ['s', 'step', 'w', 'n'],
    },
  ),
];

const lpPool = (name: string, opset: number, x: number[], attributes: Parameters<typeof single>[4], extra: Parameters<typeof single>[5] = {}): OpCase =>
  single(`LpPool ${name}`, opset, 'LpPool', { x }, attributes, extra);

const poolCases: OpCase[] = [
  lpPool('p 2, 2-D, strides, pads', 11, [1, 2, 5, 6], { kernel_shape: ints([2, 3]), strides: ints([1, 2]), pads: ints([1, 0, 0, 1]) }),
  lpPool('p 3, 1-D, stride 2', 11, [2, 3, 7], { kernel_shape: ints([3]), strides: ints([2]), p: int(3) }),
  // |x| has a kink at 0: the inputs stay away from it.
  lpPool('p 1', 11, [1, 2, 6], { kernel_shape: ints([2]), p: int(1) }, { ranges: { x: [0.1, 1] } }),
  lpPool('p 1, negative inputs', 11, [1, 2, 6], { kernel_shape: ints([3]), p: int(1) }, { ranges: { x: [-1, -0.1] } }),
  lpPool('opset 18, dilations and ceil_mode', 18, [1, 2, 7, 8], {
    kernel_shape: ints([2, 2]),
    dilations: ints([2, 1]),
    strides: ints([2, 3]),
    ceil_mode: int(1),
  }),
  // ⌈(7 + 2 − 2)/3⌉ + 1 = 4 windows, but the fourth would start at 8, in the end padding: 3.
  lpPool('opset 18, ceil_mode drops a window starting in the padding', 18, [1, 2, 7], {
    kernel_shape: ints([2]),
    strides: ints([3]),
    pads: ints([1, 1]),
    ceil_mode: int(1),
  }),
  lpPool('auto_pad SAME_UPPER', 11, [1, 2, 5, 5], { kernel_shape: ints([3, 2]), strides: ints([2, 2]), auto_pad: str('SAME_UPPER') }),
  lpPool('auto_pad SAME_LOWER, opset 18', 18, [1, 2, 6], { kernel_shape: ints([4]), strides: ints([3]), auto_pad: str('SAME_LOWER') }),
  lpPool('auto_pad VALID, p 4', 11, [1, 2, 6, 5], { kernel_shape: ints([2, 2]), strides: ints([2, 2]), auto_pad: str('VALID'), p: int(4) }),
  single('GlobalLpPool p 2', 11, 'GlobalLpPool', { x: [2, 3, 4, 5] }),
  single('GlobalLpPool p 3, 1-D', 18, 'GlobalLpPool', { x: [2, 3, 6] }, { p: int(3) }),
];

const sequenceCases: OpCase[] = [
  single(
    'ReverseSequence batch_axis 1, time_axis 0',
    11,
    'ReverseSequence',
    { x: [5, 3, 2] },
    {},
    { constants: { lens: i64([5, 2, 1], [3]) }, nodeInputs: ['x', 'lens'] },
  ),
  single(
    'ReverseSequence batch_axis 0, time_axis 1',
    11,
    'ReverseSequence',
    { x: [3, 4] },
    { batch_axis: int(0), time_axis: int(1) },
    {
      constants: { lens: i64([1, 4, 3], [3]) },
      nodeInputs: ['x', 'lens'],
    },
  ),
  {
    // Lengths that are data: the lowering builds the indices in the graph.
    name: 'ReverseSequence lengths as data, batch_axis 0, rank 3',
    model: {
      opset: 13,
      inputs: { x: [3, 5, 2], f: [3] },
      nodes: [node('Cast', ['f'], ['lens'], { to: int(7) }), node('ReverseSequence', ['x', 'lens'], ['y'], { batch_axis: int(0), time_axis: int(1) })],
      outputs: ['y'],
    },
    ranges: { f: [1, 5.9] },
    check: ['x'],
  },
];

// Appended last: a case's random inputs are seeded by its index.
const computedWindowCases: OpCase[] = [
  {
    name: 'STFT window computed in the graph (HannWindow)',
    model: {
      opset: 17,
      inputs: { s: [2, 14, 1] },
      constants: { size: i64([6]), step: step(4) },
      nodes: [node('HannWindow', ['size'], ['w']), node('STFT', ['s', 'step', 'w'], ['y'])],
      outputs: ['y'],
    },
  },
];

/** DFT, STFT, LpPool, GlobalLpPool and ReverseSequence, lowered into standard ops (src/model/composite). */
export const signalCases: OpCase[] = [...dftCases, ...stftCases, ...poolCases, ...sequenceCases, ...computedWindowCases];
