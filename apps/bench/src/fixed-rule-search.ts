/**
 * The smallest N (to within 1/8 of N) at which `errorAt(N)` is within each tolerance: N doubles
 * from `smallest` until the tolerance is met or `cap` is passed, then bisects between the last N
 * that missed and the first that met it. A fixed rule's error is not monotone in N on a kinked
 * path, so this is the N this search finds, not a global minimum.
 */
export async function smallestN(
  errorAt: (n: number) => Promise<number>,
  smallest: number,
  cap: number,
  tolerances: readonly number[],
): Promise<{ tolerance: number; n: number | null; relativeError: number | null; largestTried: number }[]> {
  const errors = new Map<number, number>();
  const cached = async (n: number): Promise<number> => {
    const known = errors.get(n);
    if (known !== undefined) return known;
    const error = await errorAt(n);
    errors.set(n, error);
    return error;
  };
  const out = [];
  for (const tolerance of tolerances) {
    let missed = smallest - 1;
    let n = smallest;
    while (n <= cap && (await cached(n)) > tolerance) {
      missed = n;
      n = n === 1 ? 2 : 2 * n - (smallest === 2 ? 1 : 0);
    }
    if (n > cap) {
      out.push({ tolerance, n: null, relativeError: null, largestTried: missed });
      continue;
    }
    let met = n;
    while (met - missed > Math.max(1, Math.floor(missed / 8))) {
      const mid = Math.floor((missed + met) / 2);
      if ((await cached(mid)) <= tolerance) met = mid;
      else missed = mid;
    }
    out.push({ tolerance, n: met, relativeError: errors.get(met) ?? null, largestTried: Math.max(...errors.keys()) });
  }
  return out;
}

/** N doubling from `smallest` up to `cap`, plus the round figures users pick (50, 100, 200), sorted. */
export function steadyLadder(smallest: number, cap: number): number[] {
  const ladder = new Set<number>();
  for (let n = Math.max(1, smallest); n <= cap; n *= 2) ladder.add(n);
  for (const n of [50, 100, 200]) if (n >= smallest && n <= cap) ladder.add(n);
  return [...ladder].sort((a, b) => a - b);
}

/**
 * The smallest N of `ladder` from which every larger N of the ladder also meets each tolerance:
 * the N a user could pick without knowing the answer, unlike `smallestN`, which may land on an N
 * where a rule's erratic error happens to dip. Null when the largest N misses.
 */
export async function steadyN(
  errorAt: (n: number) => Promise<number>,
  ladder: readonly number[],
  tolerances: readonly number[],
): Promise<{ tolerance: number; n: number | null; errors: Record<number, number> }[]> {
  const errors: Record<number, number> = {};
  for (const n of ladder) errors[n] = await errorAt(n);
  return tolerances.map((tolerance) => {
    let steady: number | null = null;
    for (let k = ladder.length - 1; k >= 0; k--) {
      const n = ladder[k] as number;
      if ((errors[n] as number) > tolerance) break;
      steady = n;
    }
    return { tolerance, n: steady, errors };
  });
}
