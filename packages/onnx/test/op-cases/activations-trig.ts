import { float, single, type OpCase } from './case.js';

// Near ±1 (Asin, Acos, Atanh) and 1 (Acosh) the derivatives blow up; the ranges stay where the
// default step's truncation error stays below float32 rounding.
const unit = { x: [-0.8, 0.8] } as const;
// There |f'''| reaches ~100 (Tan on ±1.2, Atanh, Asin and Acos on ±0.8, Acosh from 1.3): at the default step the
// truncation error dominates; at 2.5e-3 it is 16× smaller and rounding stays below it.
const SMALL_STEP = 2.5e-3;

export const activationTrigCases: OpCase[] = [
  single('Mish', 18, 'Mish', { x: [3, 4] }, {}, { ranges: { x: [-3, 3] } }),
  single('Celu alpha 0.7', 12, 'Celu', { x: [3, 4] }, { alpha: float(0.7) }, { ranges: { x: [-2, 2] } }),
  single('ThresholdedRelu alpha 0.3', 10, 'ThresholdedRelu', { x: [3, 4] }, { alpha: float(0.3) }),
  single('Shrink lambd 0.4 bias 0.2', 9, 'Shrink', { x: [3, 4] }, { lambd: float(0.4), bias: float(0.2) }),
  single('Swish alpha 1.5 (opset 24)', 24, 'Swish', { x: [3, 4] }, { alpha: float(1.5) }, { ranges: { x: [-3, 3] } }),
  single('Tan', 13, 'Tan', { x: [3, 4] }, {}, { step: SMALL_STEP, ranges: { x: [-1.2, 1.2] } }),
  single('Asin', 13, 'Asin', { x: [3, 4] }, {}, { step: SMALL_STEP, ranges: unit }),
  single('Acos', 13, 'Acos', { x: [3, 4] }, {}, { step: SMALL_STEP, ranges: unit }),
  single('Atan', 13, 'Atan', { x: [3, 4] }, {}, { ranges: { x: [-2, 2] } }),
  single('Sinh', 13, 'Sinh', { x: [3, 4] }, {}, { ranges: { x: [-2, 2] } }),
  single('Cosh', 13, 'Cosh', { x: [3, 4] }, {}, { ranges: { x: [-2, 2] } }),
  single('Asinh', 13, 'Asinh', { x: [3, 4] }, {}, { ranges: { x: [-2, 2] } }),
  single('Acosh', 13, 'Acosh', { x: [3, 4] }, {}, { step: SMALL_STEP, ranges: { x: [1.3, 3] } }),
  single('Atanh', 13, 'Atanh', { x: [3, 4] }, {}, { step: SMALL_STEP, ranges: unit }),
];
