import { float, int, node, single, str, type OpCase } from './case.js';

const positive = [0.5, 1.5] as const;
// For 1/x, log x, x³ and softsign on these ranges |f'''| reaches 100: at the default step the
// truncation error (1e-4·|f'''|/6) dominates; at 2.5e-3 it is 16× smaller and rounding stays below it.
const SMALL_STEP = 2.5e-3;

export const elementwiseCases: OpCase[] = [
  single('Add broadcast [2,3,4]+[3,1]', 13, 'Add', { a: [2, 3, 4], b: [3, 1] }),
  single('Sub broadcast [4]-[2,3,4]', 13, 'Sub', { a: [4], b: [2, 3, 4] }),
  single('Mul broadcast [2,1,4]*[3,1]', 11, 'Mul', { a: [2, 1, 4], b: [3, 1] }),
  single('Div broadcast', 13, 'Div', { a: [2, 3], b: [3] }, {}, { ranges: { b: positive }, step: SMALL_STEP }),
  single('Pow tensor exponent', 13, 'Pow', { a: [2, 3], b: [3] }, {}, { ranges: { a: positive } }),
  single('Pow constant exponent', 13, 'Pow', { a: [2, 3] }, {}, { ranges: { a: positive }, step: SMALL_STEP, constants: { e: { dims: [], values: [3] } }, nodeInputs: ['a', 'e'] }),
  single('Sum of three with broadcast', 13, 'Sum', { a: [2, 3], b: [3], c: [2, 1] }),
  single('Mean of two', 13, 'Mean', { a: [2, 3], b: [2, 3] }),
  single('Max of three with broadcast', 13, 'Max', { a: [2, 3], b: [3], c: [2, 1] }),
  single('Min of two', 12, 'Min', { a: [2, 3], b: [2, 3] }),
  {
    name: 'Where selects by a comparison',
    model: {
      opset: 13,
      inputs: { x: [2, 3], y: [3] },
      nodes: [node('Greater', ['x', 'y'], ['c']), node('Where', ['c', 'x', 'y'], ['z'])],
      outputs: ['z'],
    },
  },
  single('Relu', 14, 'Relu', { x: [3, 4] }),
  single('LeakyRelu', 11, 'LeakyRelu', { x: [3, 4] }, { alpha: float(0.1) }),
  single('PRelu slope broadcast', 11, 'PRelu', { x: [2, 3, 4], slope: [3, 1] }),
  single('Elu', 11, 'Elu', { x: [3, 4] }, { alpha: float(0.7) }),
  single('Selu', 11, 'Selu', { x: [3, 4] }),
  single('Sigmoid', 13, 'Sigmoid', { x: [3, 4] }),
  single('Tanh', 13, 'Tanh', { x: [3, 4] }),
  single('Softplus', 11, 'Softplus', { x: [3, 4] }),
  single('Softsign', 11, 'Softsign', { x: [3, 4] }, {}, { step: SMALL_STEP }),
  single('HardSigmoid', 11, 'HardSigmoid', { x: [3, 4] }, { alpha: float(0.3), beta: float(0.4) }, { ranges: { x: [-4, 4] } }),
  single('HardSwish', 14, 'HardSwish', { x: [3, 4] }, {}, { ranges: { x: [-5, 5] } }),
  single('Clip min/max inputs (opset 11)', 11, 'Clip', { x: [3, 4] }, {}, { constants: { lo: { dims: [], values: [-0.5] }, hi: { dims: [], values: [0.4] } }, nodeInputs: ['x', 'lo', 'hi'] }),
  single('Clip as ReLU6 (opset 13)', 13, 'Clip', { x: [3, 4] }, {}, { ranges: { x: [-3, 9] }, constants: { lo: { dims: [], values: [0] }, hi: { dims: [], values: [6] } }, nodeInputs: ['x', 'lo', 'hi'] }),
  single('Clip max only', 12, 'Clip', { x: [3, 4] }, {}, { constants: { hi: { dims: [], values: [0.2] } }, nodeInputs: ['x', '', 'hi'] }),
  single('Gelu exact (opset 20)', 20, 'Gelu', { x: [3, 4] }, {}, { ranges: { x: [-3, 3] } }),
  single('Gelu tanh (opset 20)', 20, 'Gelu', { x: [3, 4] }, { approximate: str('tanh') }, { ranges: { x: [-3, 3] } }),
  single('Erf', 13, 'Erf', { x: [3, 4] }),
  single('Identity', 13, 'Identity', { x: [3, 4] }),
  single('Neg', 13, 'Neg', { x: [3, 4] }),
  single('Abs', 13, 'Abs', { x: [3, 4] }),
  single('Exp', 13, 'Exp', { x: [3, 4] }),
  single('Log', 13, 'Log', { x: [3, 4] }, {}, { ranges: { x: positive }, step: SMALL_STEP }),
  single('Sqrt', 13, 'Sqrt', { x: [3, 4] }, {}, { ranges: { x: positive } }),
  single('Reciprocal', 13, 'Reciprocal', { x: [3, 4] }, {}, { ranges: { x: positive }, step: SMALL_STEP }),
  single('Sin', 13, 'Sin', { x: [3, 4] }),
  single('Cos', 13, 'Cos', { x: [3, 4] }),
  {
    name: 'Dropout (inference) with its mask output',
    model: { opset: 13, inputs: { x: [3, 4] }, nodes: [node('Dropout', ['x'], ['y', 'mask'])], outputs: ['y'] },
  },
  {
    name: 'Cast to double and back',
    model: {
      opset: 13,
      inputs: { x: [3, 4] },
      nodes: [node('Cast', ['x'], ['d'], { to: int(11) }), node('Mul', ['d', 'd'], ['d2']), node('Cast', ['d2'], ['y'], { to: int(1) })],
      outputs: ['y'],
    },
  },
  single('Softmax axis 1 (opset 11, 2-D coercion)', 11, 'Softmax', { x: [2, 3, 4] }, { axis: int(1) }),
  single('Softmax axis 1 (opset 13)', 13, 'Softmax', { x: [2, 3, 4] }, { axis: int(1) }),
  single('LogSoftmax default axis (opset 13)', 13, 'LogSoftmax', { x: [2, 3, 4] }),
  single('LogSoftmax axis 1 (opset 12)', 12, 'LogSoftmax', { x: [2, 3, 4] }, { axis: int(1) }),
];
