import { DataType } from '../../proto/tensor.js';
import type { LoweringBuilder } from './lowering-builder.js';

export type GridSampleMode = 'linear' | 'nearest' | 'cubic';
export type GridSamplePadding = 'zeros' | 'border' | 'reflection';

export interface SampleForm {
  readonly mode: GridSampleMode;
  readonly padding: GridSamplePadding;
  readonly alignCorners: boolean;
}

/**
 * The taps of one spatial axis: for each, the integer pixel index it reads (a float tensor holding
 * an integer in [0, length − 1]) and its interpolation weight, or undefined for a weight of 1.
 * The weights carry the gradient with respect to the grid; the indices carry none.
 */
export interface AxisTaps {
  readonly positions: readonly string[];
  readonly weights: readonly (string | undefined)[];
}

/** Keys' cubic convolution kernel with a = −0.75, as the GridSample spec defines cubic mode. */
const CUBIC_A = -0.75;

/**
 * The taps along one spatial axis of `length` pixels for `coordinate`, the grid's normalized
 * coordinate along that axis ([N, 1, P], −1 and 1 the outer edges or centres of the end pixels).
 * `label` names the nodes that need a name of their own (the axis of the GridSample node).
 */
export function axisTaps(b: LoweringBuilder, coordinate: string, length: number, form: SampleForm, label: string): AxisTaps {
  const shape = b.shape(coordinate);
  const unary = (op: string, x: string): string => b.shaped(op, [x], shape);
  const constant = (value: number): string => b.floatConstant([value]);
  // Pixel coordinates in the spec's order of operations, so onnxruntime's rounding is matched.
  const shifted = b.plus(coordinate, constant(1));
  let x = form.alignCorners
    ? b.times(b.times(shifted, constant(0.5)), constant(length - 1))
    : b.times(b.minus(b.times(shifted, constant(length)), constant(1)), constant(0.5));
  // Nearest rounds half to even (Round), before the padding as the spec does.
  if (form.mode === 'nearest') {
    x = unary('Round', x);
    // Named after the GridSample node: where the output depends on the grid only through it, the
    // gradient analysis reports this node (the gradient in the grid is zero).
    (b.nodes[b.nodes.length - 1] as { name: string }).name = `${label}/nearest_rounding`;
  }
  const low = form.alignCorners ? 0 : -0.5;
  const high = form.alignCorners ? length - 1 : length - 0.5;
  // onnxruntime, like PyTorch, does not clip the coordinate in cubic border mode: it clamps each
  // of the four taps' indices instead (the spec's reference clips the coordinate first).
  if (form.mode !== 'cubic' || form.padding !== 'border') x = padCoordinate(b, x, length, low, high, form.padding);

  const { base, offsets, weights } = interpolation(b, x, form.mode);
  const positions: string[] = [];
  offsets.forEach((offset, k) => {
    const tap = offset === 0 ? base : b.plus(base, constant(offset));
    if (form.padding === 'zeros') {
      // A tap outside the image reads 0: its weight is masked, its index clamped to a valid one.
      const asFloat = (mask: string): string => b.shaped('Cast', [mask], shape, { to: { int: DataType.FLOAT } });
      const inside = b.times(asFloat(b.shaped('Greater', [tap, constant(-0.5)], shape)), asFloat(b.shaped('Less', [tap, constant(length - 0.5)], shape)));
      weights[k] = weights[k] === undefined ? inside : b.times(weights[k] as string, inside);
      positions.push(clamp(b, tap, length));
    } else if (form.padding === 'border') {
      positions.push(clamp(b, tap, length));
    } else {
      positions.push(high > low ? reflect(b, tap, low, high) : b.times(tap, constant(0)));
    }
  });
  return { positions, weights };
}

/**
 * The first tap (a float tensor of integers), the offsets of all taps from it and their weights
 * (undefined: 1), from the pixel coordinate x: nearest reads x itself (already rounded); linear
 * and cubic read around ⌊x⌋ with weights from the fraction x − ⌊x⌋, which carries the gradient.
 */
function interpolation(b: LoweringBuilder, x: string, mode: GridSampleMode): { base: string; offsets: number[]; weights: (string | undefined)[] } {
  if (mode === 'nearest') return { base: x, offsets: [0], weights: [undefined] };
  const one = b.floatConstant([1]);
  const base = b.shaped('Floor', [x], b.shape(x));
  const fraction = b.minus(x, base);
  if (mode === 'linear') return { base, offsets: [0, 1], weights: [b.minus(b.plus(base, one), x), fraction] };
  const outer = (t: string): string => cubicPolynomial(b, t, [CUBIC_A, -5 * CUBIC_A, 8 * CUBIC_A, -4 * CUBIC_A]);
  const inner = (t: string): string => cubicPolynomial(b, t, [CUBIC_A + 2, -(CUBIC_A + 3), 0, 1]);
  const weights = [outer(b.plus(fraction, one)), inner(fraction), inner(b.minus(one, fraction)), outer(b.minus(b.floatConstant([2]), fraction))];
  return { base, offsets: [-1, 0, 1, 2], weights };
}

/** a₃t³ + a₂t² + a₁t + a₀ by Horner's rule. */
function cubicPolynomial(b: LoweringBuilder, t: string, [a3, a2, a1, a0]: readonly number[]): string {
  const k = (value: number): string => b.floatConstant([value]);
  const quadratic = b.plus(b.times(b.plus(b.times(t, k(a3 as number)), k(a2 as number)), t), k(a1 as number));
  return b.plus(b.times(quadratic, t), k(a0 as number));
}

function clamp(b: LoweringBuilder, x: string, length: number): string {
  return b.shaped('Clip', [x, b.floatConstant([0]), b.floatConstant([length - 1])], b.shape(x));
}

/**
 * The padding of a coordinate outside [low, high]: border clips it to the end pixels' centres,
 * reflection folds it back into [low, high]; zeros leaves it (its taps outside read 0).
 */
function padCoordinate(b: LoweringBuilder, x: string, length: number, low: number, high: number, padding: GridSamplePadding): string {
  if (padding === 'zeros') return x;
  const shape = b.shape(x);
  const below = b.shaped('Less', [x, b.floatConstant([low])], shape);
  const above = b.shaped('Greater', [x, b.floatConstant([high])], shape);
  if (padding === 'border') {
    const upper = b.shaped('Where', [above, b.floatConstant([length - 1]), x], shape);
    return b.shaped('Where', [below, b.floatConstant([0]), upper], shape);
  }
  // A single pixel with align_corners folds nothing: its coordinate is always 0.
  if (high <= low) return x;
  const folded = reflect(b, x, low, high);
  return b.shaped('Where', [below, folded, b.shaped('Where', [above, folded, x], shape)], shape);
}

/**
 * x reflected at low and high until it lies in [low, high]: with r = high − low and
 * u = (x − low) mod 2r, low + r − |u − r|. Slope ±1; the Floor of the modulus carries none.
 */
function reflect(b: LoweringBuilder, x: string, low: number, high: number): string {
  const shape = b.shape(x);
  const range = high - low;
  const offset = b.minus(x, b.floatConstant([low]));
  const periods = b.shaped('Floor', [b.over(offset, 2 * range)], shape);
  const phase = b.minus(offset, b.times(periods, b.floatConstant([2 * range])));
  const distance = b.shaped('Abs', [b.minus(phase, b.floatConstant([range]))], shape);
  return b.minus(b.floatConstant([low + range]), distance);
}
