import { float, int, single, type OpCase } from './case.js';

/** Ops lowered into standard ops before differentiation (src/model/composite). */
export const compositeCases: OpCase[] = [
  single('RMSNormalization last axis', 23, 'RMSNormalization', { x: [2, 3, 5], s: [5] }),
  single('RMSNormalization axis 1, epsilon 0.1', 23, 'RMSNormalization', { x: [2, 3, 4], s: [3, 4] }, { axis: int(1), epsilon: float(0.1) }),
  single('RMSNormalization axis -2, scale broadcast', 23, 'RMSNormalization', { x: [2, 3, 4], s: [1, 4] }, { axis: int(-2) }),
];
