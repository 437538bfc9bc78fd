/**
 * The CLI's default path points per model call for a fixed step count. The ONNX backend runs
 * every call on one session built for a fixed number of points, padding a short last call, so
 * the CLI picks the batch size up to the core's default that wastes the fewest padded points:
 * 50 steps under a limit of 6 run as 10 calls of 5 (50 points) rather than 9 of 6 (54).
 */

/** @ig/core's default: the largest batch whose points and gradients fit the budget (8 MiB unless --memory-budget), 1 to 128 points. */
const MEMORY_BUDGET_BYTES = 8 * 1024 * 1024;
const MAX_BATCH = 128;

export function defaultBatchLimit(pointFloats: number, budgetBytes = MEMORY_BUDGET_BYTES): number {
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(budgetBytes / (Math.max(1, pointFloats) * 8))));
}

/**
 * Among batch sizes from half the limit up to the limit, the one whose calls cover `steps` with
 * the fewest points (ties: the largest batch, fewer calls).
 */
export function evenBatchSize(steps: number, limit: number): number {
  if (steps <= limit) return steps;
  let best = limit;
  for (let size = limit; size >= Math.max(1, Math.ceil(limit / 2)); size--) {
    if (Math.ceil(steps / size) * size < Math.ceil(steps / best) * best) best = size;
  }
  return best;
}
