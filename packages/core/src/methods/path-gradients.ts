import type { GradientResponse } from '../backend.js';
import { checkGradientResponse } from '../backend-contract.js';
import { NonFiniteError } from '../errors.js';
import { firstNonFinite } from '../path-kernels.js';

/*
 * The path engine's work on each batch of gradients a backend returns: checking them, and adding
 * each point's gradient ⊙ displacement into the attribution sums.
 */

/** sum += g ⊙ d, four features per iteration. */
export function addProduct(sum: Float64Array, g: Float32Array, d: Float32Array): void {
  const n = sum.length;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    sum[j] = (sum[j] as number) + (g[j] as number) * (d[j] as number);
    sum[j + 1] = (sum[j + 1] as number) + (g[j + 1] as number) * (d[j + 1] as number);
    sum[j + 2] = (sum[j + 2] as number) + (g[j + 2] as number) * (d[j + 2] as number);
    sum[j + 3] = (sum[j + 3] as number) + (g[j + 3] as number) * (d[j + 3] as number);
  }
  for (; j < n; j++) sum[j] = (sum[j] as number) + (g[j] as number) * (d[j] as number);
}

/** Throws a BackendContractError for gradients of the wrong count or length, a NonFiniteError naming the first NaN or ∞. */
export function checkGradients(
  name: string,
  response: GradientResponse,
  pointSizes: readonly number[],
  count: number,
  example: number,
  firstStep: number,
): void {
  checkGradientResponse(name, response, pointSizes, count);
  response.gradients.forEach((g, input) => {
    const size = pointSizes[input] as number;
    const bad = firstNonFinite(g);
    if (bad >= 0)
      throw new NonFiniteError(
        `gradient of input ${input}`,
        bad % size,
        g[bad] as number,
        ` (example ${example}, path point ${firstStep + Math.floor(bad / size)})`,
      );
  });
}
