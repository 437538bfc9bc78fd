import { int, node, single, str, type OpCase } from './case.js';
import type { ConstantSpec } from '../helpers/model.js';

const i64 = (values: number[]): ConstantSpec => ({ dims: [values.length], values, type: 'int64' });
const f32 = (values: number[], dims: number[]): ConstantSpec => ({ dims, values });

const PADDINGS = ['zeros', 'border', 'reflection'] as const;

// Linear and nearest: random grid points reaching past [−1, 1], so every padding mode is
// exercised; the kinks of linear interpolation at pixel edges and of the padding at the border
// are found by the harness (GridSample is a kinked op). Nearest is piecewise constant in the
// grid, so only X is checked there.
const gridRange = { grid: [-1.25, 1.25] as const };

const linearAndNearest: OpCase[] = (['bilinear', 'nearest'] as const).flatMap((mode) =>
  PADDINGS.flatMap((padding) =>
    [0, 1].map((align) =>
      single(
        `GridSample ${mode} ${padding} align_corners ${align}`,
        16,
        'GridSample',
        { x: [2, 3, 4, 5], grid: [2, 3, 2, 2] },
        { mode: str(mode), padding_mode: str(padding), align_corners: int(align) },
        { ranges: gridRange, ...(mode === 'nearest' ? { check: ['x'] } : {}) },
      ),
    ),
  ),
);

/**
 * Cubic interpolation is smooth only inside a pixel cell (its second derivative jumps at pixel
 * edges, where a difference quotient's error is O(h·f'') on either side), so its grid is built
 * from cells: unnormalized coordinate = k + u with integer k (from −2 to past the far edge, so
 * taps fall outside the image) and the checked input u kept inside the cell, then normalized to
 * the grid by an affine map whose gradient is exact. Reflection without align_corners also folds
 * at k + ½, which u avoids there.
 */
function cubicCellCase(opset: number, mode: string, padding: string, align: number): OpCase {
  const [height, width] = [4, 5];
  const cells = [-2, 0, 1, 3, 2, 5, 4, -1, 0, 2, 3, 4, 6, 1, -1, 3, 2, 0, 1, 4, 5, 2, -2, 3];
  // Component 0 runs along W, component 1 along H (the grid's last axis lists x first).
  const lengths = [width, height];
  const scale = lengths.map((l) => (align ? 2 / (l - 1) : 2 / l));
  const offset = lengths.map((l) => (align ? -1 : 1 / l - 1));
  const folds = padding === 'reflection' && !align;
  return {
    name: `GridSample ${mode} ${padding} align_corners ${align} (opset ${opset}, inside pixel cells)`,
    model: {
      opset,
      inputs: { x: [2, 3, height, width], u: [2, 3, 2, 2] },
      constants: { k: f32(cells, [2, 3, 2, 2]), scale: f32(scale, [2]), offset: f32(offset, [2]) },
      nodes: [
        node('Add', ['u', 'k'], ['p']),
        node('Mul', ['p', 'scale'], ['scaled']),
        node('Add', ['scaled', 'offset'], ['grid']),
        node('GridSample', ['x', 'grid'], ['y'], { mode: str(mode), padding_mode: str(padding), align_corners: int(align) }),
      ],
      outputs: ['y'],
    },
    ranges: { u: folds ? [0.55, 0.95] : [0.1, 0.9] },
    // Inside a cell the weights are cubic polynomials, so the central difference's truncation
    // error is h²·f'''/6 exactly (~1e-4 at the default step); at 5e-3 it falls below the rounding.
    step: 5e-3,
  };
}

const cubic: OpCase[] = [
  ...PADDINGS.flatMap((padding) => [0, 1].map((align) => cubicCellCase(16, 'bicubic', padding, align))),
  cubicCellCase(20, 'cubic', 'zeros', 0),
];

const fiveD: OpCase[] = [
  ...PADDINGS.map((padding, k) =>
    single(
      `GridSample 5-D linear ${padding} align_corners ${k % 2}`,
      20,
      'GridSample',
      { x: [1, 2, 3, 4, 3], grid: [1, 2, 2, 2, 3] },
      { mode: str('linear'), padding_mode: str(padding), align_corners: int(k % 2) },
      { ranges: gridRange },
    ),
  ),
  single(
    'GridSample 5-D linear zeros align_corners 1',
    20,
    'GridSample',
    { x: [2, 1, 2, 3, 4], grid: [2, 1, 3, 2, 3] },
    { align_corners: int(1) },
    { ranges: gridRange },
  ),
  single(
    'GridSample 5-D nearest reflection',
    20,
    'GridSample',
    { x: [1, 2, 3, 4, 3], grid: [1, 2, 3, 2, 3] },
    { mode: str('nearest'), padding_mode: str('reflection') },
    { ranges: gridRange, check: ['x'] },
  ),
  single(
    'GridSample 5-D nearest border align_corners 1',
    20,
    'GridSample',
    { x: [1, 2, 3, 2, 4], grid: [1, 3, 2, 2, 3] },
    { mode: str('nearest'), padding_mode: str('border'), align_corners: int(1) },
    { ranges: gridRange, check: ['x'] },
  ),
];

const affine: OpCase[] = [
  single(
    'AffineGrid 2-D align_corners 0',
    20,
    'AffineGrid',
    { theta: [2, 2, 3] },
    {},
    { nodeInputs: ['theta', 'size'], constants: { size: i64([2, 3, 4, 5]) } },
  ),
  single(
    'AffineGrid 2-D align_corners 1',
    20,
    'AffineGrid',
    { theta: [2, 2, 3] },
    { align_corners: int(1) },
    { nodeInputs: ['theta', 'size'], constants: { size: i64([2, 1, 3, 2]) } },
  ),
  single(
    'AffineGrid 3-D align_corners 0',
    20,
    'AffineGrid',
    { theta: [2, 3, 4] },
    {},
    { nodeInputs: ['theta', 'size'], constants: { size: i64([2, 1, 2, 3, 4]) } },
  ),
  single(
    'AffineGrid 3-D align_corners 1',
    20,
    'AffineGrid',
    { theta: [1, 3, 4] },
    { align_corners: int(1) },
    { nodeInputs: ['theta', 'size'], constants: { size: i64([1, 2, 3, 2, 4]) } },
  ),
];

/** GridSample and AffineGrid, lowered into standard ops (src/model/composite). */
export const gridSampleCases: OpCase[] = [...linearAndNearest, ...cubic, ...fiveD, ...affine];
