import { expect } from 'vitest';
import type { OrtModuleLike } from '../../src/index.js';
import { feedsOf, type Feed } from './ort.js';

export interface Differences {
  readonly index: number;
  readonly central: number;
  readonly forward: number;
  readonly backward: number;
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
    const plus = await at(step);
    const minus = await at(-step);
    const up = Math.fround(x + step) - x;
    const down = x - Math.fround(x - step);
    result.push({ index, central: (plus - minus) / (up + down), forward: (plus - center) / up, backward: (center - minus) / down });
  }
  await session.release?.();
  return result;
}

/**
 * Each gradient element must match the central difference, or, where a kink (ReLU, max) lies
 * within one step, the one-sided difference from the side without it.
 */
export function expectMatches(gradient: ArrayLike<number>, diffs: readonly Differences[], tolerance: number): void {
  for (const d of diffs) {
    const g = gradient[d.index] as number;
    const error = Math.min(Math.abs(g - d.central), Math.abs(g - d.forward), Math.abs(g - d.backward));
    if (error > tolerance) {
      expect.fail(`element ${d.index}: gradient ${g}, central ${d.central}, forward ${d.forward}, backward ${d.backward} (tolerance ${tolerance})`);
    }
  }
}

/** Up to `limit` element indices spread over [0, size). */
export function sampleIndices(size: number, limit: number): number[] {
  if (size <= limit) return [...Array(size).keys()];
  const step = size / limit;
  return Array.from({ length: limit }, (_, i) => Math.floor(i * step + step / 2));
}
