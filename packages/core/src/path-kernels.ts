/**
 * The two loops the core runs per path point. Both walk the features in tiles so that the
 * input/baseline tile (or the accumulator tile) stays in L1 while every point of the batch
 * passes over it: per point the core then writes one point and reads one gradient, about the
 * traffic of one copy.
 */
const TILE = 2048;

/**
 * out[j·size + i] = baseline[i] + alphas[from + j]·(input[i] − baseline[i]) for j < count.
 */
export function fillPathPoints(
  out: Float32Array,
  outPoint: number,
  input: Float32Array,
  baseline: Float32Array,
  alphas: Float64Array,
  from: number,
  count: number,
): void {
  const size = input.length;
  for (let start = 0; start < size; start += TILE) {
    const end = Math.min(size, start + TILE);
    for (let j = 0; j < count; j++) {
      const alpha = alphas[from + j] as number;
      const offset = (outPoint + j) * size;
      for (let i = start; i < end; i++) {
        const b = baseline[i] as number;
        out[offset + i] = b + alpha * ((input[i] as number) - b);
      }
    }
  }
}

/** sink[i] += Σ_j weights[from + j]·gradients[(gradPoint + j)·size + i] for j < count. */
export function accumulateWeighted(
  sink: Float64Array,
  gradients: Float32Array,
  gradPoint: number,
  weights: Float64Array,
  from: number,
  count: number,
): void {
  const size = sink.length;
  for (let start = 0; start < size; start += TILE) {
    const end = Math.min(size, start + TILE);
    for (let j = 0; j < count; j++) {
      const w = weights[from + j] as number;
      const offset = (gradPoint + j) * size;
      for (let i = start; i < end; i++) sink[i] = (sink[i] as number) + w * (gradients[offset + i] as number);
    }
  }
}

/** Index of the first NaN/±Infinity in `values[from, to)`, or −1. */
export function firstNonFinite(values: ArrayLike<number>, from = 0, to = values.length): number {
  for (let i = from; i < to; i++) {
    const v = values[i] as number;
    if (v - v !== 0) return i;
  }
  return -1;
}
