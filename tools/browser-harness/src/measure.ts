/** Prints a test's measured deviations when IG_MEASURE is set, so tolerances can be derived from them. */
export function measure(name: string, values: Record<string, number>): void {
  if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ name, ...values }));
}

/** max |actual − expected| / max(max |expected|, floor). */
export function relativeDeviation(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 0): number {
  let worst = 0;
  let scale = floor;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return scale === 0 ? worst : worst / scale;
}
