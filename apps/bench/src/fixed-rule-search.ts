import { gaussLegendre, riemannTrapezoid, type GradientBackend, type QuadratureRule } from '@ig/core';

export type FixedRule = 'gauss-legendre' | 'riemann-trapezoid';
const RULES: Record<FixedRule, { rule: (n: number) => QuadratureRule; smallest: number }> = {
  'gauss-legendre': { rule: gaussLegendre, smallest: 1 },
  'riemann-trapezoid': { rule: riemannTrapezoid, smallest: 2 },
};

/**
 * The completeness integrand g(α) = ∇F(α·x)·x of one image against the zero baseline, one
 * gradient evaluation per new α (cached: trapezoid grids of 2^k + 1 points reuse each other's).
 */
export function pathIntegrand(backend: GradientBackend, image: Float32Array, pointShape: readonly number[], target: number, outputSize: number, batchSize: number) {
  const cache = new Map<number, number>();
  let evaluations = 0;
  const at = async (alphas: Float64Array): Promise<Float64Array> => {
    const missing = [...new Set(alphas)].filter((a) => !cache.has(a));
    for (let from = 0; from < missing.length; from += batchSize) {
      const chunk = missing.slice(from, from + batchSize);
      const points = new Float32Array(chunk.length * image.length);
      chunk.forEach((a, k) => {
        for (let j = 0; j < image.length; j++) points[k * image.length + j] = a * (image[j] as number);
      });
      const outputWeights = new Float32Array(chunk.length * outputSize);
      chunk.forEach((_, k) => (outputWeights[k * outputSize + target] = 1));
      const { gradients } = await backend.gradients({ points: [points], pointShapes: [pointShape], count: chunk.length, outputWeights });
      const gradient = gradients[0] as Float32Array;
      chunk.forEach((a, k) => {
        let g = 0;
        for (let j = 0; j < image.length; j++) g += (gradient[k * image.length + j] as number) * (image[j] as number);
        cache.set(a, g);
      });
      evaluations += chunk.length;
    }
    return Float64Array.from(alphas, (a) => cache.get(a) as number);
  };
  return { at, evaluations: () => evaluations };
}

/**
 * The smallest N (to within 1/16 of N) at which a fixed rule's relative completeness error is
 * within each tolerance: N doubles from the rule's smallest until the tolerance is met or `cap` is
 * passed, then bisects between the last N that missed and the first that met it. The error is
 * not monotone in N on kinked paths, so this is the N this search finds, not a global minimum.
 */
export async function smallestFixedN(
  name: FixedRule,
  integrand: ReturnType<typeof pathIntegrand>,
  fDifference: number,
  tolerances: readonly number[],
  cap: number,
): Promise<{ tolerance: number; n: number | null; relativeError: number | null; searchedUpTo: number }[]> {
  const errors = new Map<number, number>();
  const errorAt = async (n: number): Promise<number> => {
    const known = errors.get(n);
    if (known !== undefined) return known;
    const { alphas, weights } = RULES[name].rule(n);
    const g = await integrand.at(alphas);
    let sum = 0;
    g.forEach((value, k) => (sum += (weights[k] as number) * value));
    const error = Math.abs(sum - fDifference) / Math.abs(fDifference);
    errors.set(n, error);
    return error;
  };
  const out = [];
  for (const tolerance of tolerances) {
    let missed = RULES[name].smallest - 1;
    let n = RULES[name].smallest;
    while (n <= cap && (await errorAt(n)) > tolerance) {
      missed = n;
      n *= 2;
    }
    if (n > cap) {
      out.push({ tolerance, n: null, relativeError: null, searchedUpTo: missed });
      continue;
    }
    let met = n;
    while (met - missed > Math.max(1, Math.floor(missed / 16))) {
      const mid = Math.floor((missed + met) / 2);
      if ((await errorAt(mid)) <= tolerance) met = mid;
      else missed = mid;
    }
    out.push({ tolerance, n: met, relativeError: errors.get(met) ?? null, searchedUpTo: cap });
  }
  return out;
}
