import { expect } from 'vitest';
import type { OrtModuleLike } from '../../src/index.js';
import { feedsOf, type Feed } from './ort.js';

export interface Differences {
  readonly index: number;
  readonly central: number;
  readonly forward: number;
  readonly backward: number;
  /** The same at half the step, where asked for (needed to tell a kink from curvature). */
  readonly half?: { readonly central: number; readonly forward: number; readonly backward: number };
}

/**
 * Central and one-sided differences of Σ seed ⊙ output at chosen elements of one input, from
 * float32 forward runs summed in float64. Dividing by the step actually taken in float32 keeps
 * the rounding of x ± h out of the quotient.
 */
export async function differences(
  ort: OrtModuleLike,
  bytes: Uint8Array,
  feeds: Record<string, Feed>,
  input: string,
  seed: Float32Array,
  elements: readonly number[],
  step: number,
  output?: string,
  options: { halfStep?: boolean } = {},
): Promise<Differences[]> {
  const base = feeds[input] as Feed;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  const objective = async (values: Record<string, Feed>): Promise<number> => {
    const results = await session.run(feedsOf(ort, values));
    const out = (output ? results[output] : results[session.outputNames[0] as string])?.data as Float32Array;
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += (seed[i] as number) * (out[i] as number);
    return sum;
  };
  const center = await objective(feeds);
  const result: Differences[] = [];
  for (const index of elements) {
    const x = base.data[index] as number;
    const at = async (delta: number): Promise<number> => {
      const data = Float32Array.from(base.data);
      data[index] = x + delta;
      return objective({ ...feeds, [input]: { ...base, data } });
    };
    const quotients = async (h: number) => {
      const plus = await at(h);
      const minus = await at(-h);
      const up = Math.fround(x + h) - x;
      const down = x - Math.fround(x - h);
      return { central: (plus - minus) / (up + down), forward: (plus - center) / up, backward: (center - minus) / down };
    };
    result.push({ index, ...(await quotients(step)), ...(options.halfStep ? { half: await quotients(step / 2) } : {}) });
  }
  await session.release?.();
  return result;
}

/**
 * Op types whose output has kinks (a jump of the slope) or jumps. Only a model with one of them
 * may fall back to a one-sided difference; every other model is checked against the central
 * difference at every element.
 */
export const KINKED_OPS: ReadonlySet<string> = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Elu',
  'Selu',
  'Clip',
  // onnxruntime's fused Conv and Gemm kernels, whose activation may be any of the above.
  'FusedConv',
  'FusedGemm',
  'HardSigmoid',
  'HardSwish',
  'Abs',
  'Max',
  'Min',
  'MaxPool',
  'GlobalMaxPool',
  'ReduceMax',
  'ReduceMin',
  'Where',
  'ThresholdedRelu',
  'Shrink',
  'ReduceL1',
  'LpNormalization',
  'TopK',
  'GridSample',
  // |x|^p summed: |x| itself in a window that padding leaves one element (or at p = 1)
  'LpPool',
]);

/** Whether any op of a model is in KINKED_OPS. */
export function hasKinks(opTypes: Iterable<string>): boolean {
  for (const op of opTypes) if (KINKED_OPS.has(op)) return true;
  return false;
}

export interface Mismatch {
  /** The largest |gradient − difference| over the elements, by the rule of `deviation`. */
  readonly error: number;
  readonly index: number;
  /** Elements where a one-sided difference was allowed. */
  readonly kinks: readonly number[];
}

/**
 * Whether a kink (a jump of the slope Δ at distance d < h from x) lies within the step. The
 * forward and backward differences disagree there: D(h) = F − B ≈ Δ·(1 − d/h). For a smooth f,
 * D(h) = h·f'' + O(h³) halves with the step and C(h) − C(h/2) = O(h²), so both tests below stay
 * at rounding level; at a kink D(h) − 2·D(h/2) = Δ·(3d/h − 1) and C(h) − C(h/2) = Δ·d/(2h) are
 * never both zero.
 */
export function isKink(d: Differences, threshold: number): boolean {
  if (!d.half) throw new Error('isKink needs the differences at half the step (differences(..., { halfStep: true }))');
  const jump = d.forward - d.backward;
  if (Math.abs(jump) <= threshold) return false;
  const halfJump = d.half.forward - d.half.backward;
  return Math.abs(jump - 2 * halfJump) > threshold || Math.abs(d.central - d.half.central) > threshold;
}

/**
 * The error of each element against its central difference. Only where `kinked` is set and a
 * kink lies within the step (isKink, with `tolerance` as its threshold) is the closest of the
 * central, forward and backward difference taken: the side without the kink gives the one-sided
 * derivative there.
 */
export function deviation(gradient: ArrayLike<number>, diffs: readonly Differences[], tolerance: number, kinked: boolean): Mismatch {
  let error = 0;
  let index = -1;
  const kinks: number[] = [];
  for (const d of diffs) {
    const g = gradient[d.index] as number;
    const kink = kinked && isKink(d, tolerance);
    if (kink) kinks.push(d.index);
    const found = kink ? Math.min(Math.abs(g - d.central), Math.abs(g - d.forward), Math.abs(g - d.backward)) : Math.abs(g - d.central);
    const e = Number.isNaN(found) ? Infinity : found;
    if (e > error || index < 0) {
      error = e;
      index = d.index;
    }
  }
  return { error, index, kinks };
}

/** Every element within `tolerance` of its central difference (or, at a kink, see `deviation`). */
export function expectMatches(gradient: ArrayLike<number>, diffs: readonly Differences[], tolerance: number, kinked = false): void {
  const m = deviation(gradient, diffs, tolerance, kinked);
  if (m.error > tolerance) {
    const d = diffs.find((x) => x.index === m.index) as Differences;
    const kind = m.kinks.includes(m.index) ? 'kink: closest difference' : 'central difference';
    expect.fail(
      `element ${d.index}: gradient ${gradient[d.index]}, central ${d.central}, forward ${d.forward}, backward ${d.backward}; error ${m.error.toExponential(2)} against the ${kind} exceeds the tolerance ${tolerance.toExponential(2)}`,
    );
  }
}

/** Up to `limit` element indices spread over [0, size). */
export function sampleIndices(size: number, limit: number): number[] {
  if (size <= limit) return [...Array(size).keys()];
  const step = size / limit;
  return Array.from({ length: limit }, (_, i) => Math.floor(i * step + step / 2));
}
