/**
 * The two loops the core runs per path point: writing the point, and adding its weighted
 * gradient into the path's sum. The sum walks the features in tiles, four points at a time, so
 * each tile of the sum is read and written once per four points.
 */
const TILE = 2048;

/** out[(outPoint + j)·size + i] = baseline[i] + alphas[from + j]·difference[i] for j < count. */
export function fillPathPoints(
  out: Float32Array,
  outPoint: number,
  baseline: Float32Array,
  difference: Float32Array,
  alphas: Float64Array,
  from: number,
  count: number,
): void {
  const size = baseline.length;
  for (let j = 0; j < count; j++) {
    // float32 arithmetic, as PyTorch (Captum) and the SIMD kernels build the point: a float64
    // point can land on the other side of a ReLU kink and change the attributions visibly.
    const alpha = Math.fround(alphas[from + j] as number);
    const point = out.subarray((outPoint + j) * size, (outPoint + j + 1) * size);
    for (let i = 0; i < size; i++) point[i] = (baseline[i] as number) + Math.fround(alpha * (difference[i] as number));
  }
}

/** sink[i] += Σ_j weights[from + j]·gradients[(gradPoint + j)·size + i] for j < count. */
export function accumulateWeighted(sink: Float64Array, gradients: Float32Array, gradPoint: number, weights: Float64Array, from: number, count: number): void {
  const size = sink.length;
  for (let start = 0; start < size; start += TILE) {
    const end = Math.min(size, start + TILE);
    let j = 0;
    // Four gradient rows per pass over the tile: one read-modify-write of the sink for four points.
    for (; j + 4 <= count; j += 4) {
      const w0 = weights[from + j] as number;
      const w1 = weights[from + j + 1] as number;
      const w2 = weights[from + j + 2] as number;
      const w3 = weights[from + j + 3] as number;
      const o0 = (gradPoint + j) * size;
      const o1 = o0 + size;
      const o2 = o1 + size;
      const o3 = o2 + size;
      for (let i = start; i < end; i++) {
        sink[i] =
          (sink[i] as number) +
          w0 * (gradients[o0 + i] as number) +
          w1 * (gradients[o1 + i] as number) +
          w2 * (gradients[o2 + i] as number) +
          w3 * (gradients[o3 + i] as number);
      }
    }
    for (; j < count; j++) {
      const w = weights[from + j] as number;
      const offset = (gradPoint + j) * size;
      for (let i = start; i < end; i++) sink[i] = (sink[i] as number) + w * (gradients[offset + i] as number);
    }
  }
}

/** Index of the first NaN/±Infinity in `values[from, to)`, or −1. */
export function firstNonFinite(values: ArrayLike<number>, from = 0, to = values.length): number {
  let i = from;
  // v − v is 0 for a finite v and NaN otherwise, so one test covers four values; the plain loop
  // below then finds which one (or finishes the tail).
  for (; i + 4 <= to; i += 4) {
    const v0 = values[i] as number;
    const v1 = values[i + 1] as number;
    const v2 = values[i + 2] as number;
    const v3 = values[i + 3] as number;
    if (v0 - v0 + (v1 - v1) + (v2 - v2) + (v3 - v3) !== 0) break;
  }
  for (; i < to; i++) {
    const v = values[i] as number;
    if (v - v !== 0) return i;
  }
  return -1;
}
