import { int, ints, single, str, type OpCase } from './case.js';
import type { ConstantSpec } from '../helpers/model.js';

const i64 = (values: number[]): ConstantSpec => ({ dims: [values.length], values, type: 'int64' });
const f32 = (values: number[]): ConstantSpec => ({ dims: [values.length], values });

export const reduceCases: OpCase[] = [
  single('ReduceSum axes attribute keepdims 0 (opset 11)', 11, 'ReduceSum', { x: [2, 3, 4] }, { axes: ints([0, 2]), keepdims: int(0) }),
  single('ReduceSum axes input (opset 13)', 13, 'ReduceSum', { x: [2, 3, 4] }, { keepdims: int(1) }, { nodeInputs: ['x', 'a'], constants: { a: i64([-1]) } }),
  single('ReduceSum all axes (opset 13)', 13, 'ReduceSum', { x: [2, 3] }, { keepdims: int(0) }),
  single('ReduceMean axes attribute (opset 11)', 11, 'ReduceMean', { x: [2, 3, 4] }, { axes: ints([1]) }),
  single(
    'ReduceMean axes input (opset 18)',
    18,
    'ReduceMean',
    { x: [2, 3, 4] },
    { keepdims: int(0) },
    { nodeInputs: ['x', 'a'], constants: { a: i64([0, 2]) } },
  ),
  single('ReduceMax axes attribute (opset 13)', 13, 'ReduceMax', { x: [2, 3, 4] }, { axes: ints([2]), keepdims: int(0) }),
  single('ReduceMax axes input (opset 18)', 18, 'ReduceMax', { x: [2, 3, 4] }, {}, { nodeInputs: ['x', 'a'], constants: { a: i64([1]) } }),
  single('ReduceMin', 13, 'ReduceMin', { x: [3, 4] }, { axes: ints([0]) }),
  single('ReduceSumSquare', 13, 'ReduceSumSquare', { x: [3, 4] }, { axes: ints([1]) }),
  single('ReduceL2', 13, 'ReduceL2', { x: [3, 4] }, { axes: ints([1]) }),
  single('ReduceLogSumExp', 13, 'ReduceLogSumExp', { x: [3, 4] }, { axes: ints([0]) }),
];

export const resizeCases: OpCase[] = [
  single(
    'Resize nearest ×2 asymmetric floor (opset 11, scales)',
    11,
    'Resize',
    { x: [1, 2, 3, 4] },
    { mode: str('nearest'), coordinate_transformation_mode: str('asymmetric'), nearest_mode: str('floor') },
    { nodeInputs: ['x', 'roi', 's'], constants: { roi: f32([]), s: f32([1, 1, 2, 2]) } },
  ),
  single(
    'Resize nearest half_pixel round_prefer_floor (opset 13, sizes)',
    13,
    'Resize',
    { x: [1, 1, 4, 5] },
    { mode: str('nearest') },
    { nodeInputs: ['x', '', '', 'z'], constants: { z: i64([1, 1, 7, 3]) } },
  ),
  single(
    'Resize linear half_pixel ×1.5 (opset 13, scales)',
    13,
    'Resize',
    { x: [1, 2, 4, 4] },
    { mode: str('linear') },
    { nodeInputs: ['x', '', 's'], constants: { s: f32([1, 1, 1.5, 1.5]) } },
  ),
  single(
    'Resize linear align_corners (opset 11, sizes)',
    11,
    'Resize',
    { x: [1, 1, 3, 4] },
    { mode: str('linear'), coordinate_transformation_mode: str('align_corners') },
    { nodeInputs: ['x', 'roi', 's', 'z'], constants: { roi: f32([]), s: f32([]), z: i64([1, 1, 5, 7]) } },
  ),
  single(
    'Resize linear pytorch_half_pixel downsample (opset 13)',
    13,
    'Resize',
    { x: [1, 1, 6, 6] },
    { mode: str('linear'), coordinate_transformation_mode: str('pytorch_half_pixel') },
    { nodeInputs: ['x', '', '', 'z'], constants: { z: i64([1, 1, 3, 4]) } },
  ),
  single(
    'Resize nearest with axes (opset 18)',
    18,
    'Resize',
    { x: [1, 2, 3, 3] },
    { mode: str('nearest'), axes: ints([2, 3]) },
    { nodeInputs: ['x', '', 's'], constants: { s: f32([2, 1.5]) } },
  ),
];
