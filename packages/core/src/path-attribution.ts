/**
 * Adds a path's attribution, (x − x') ⊙ gradientSum scaled by `scale`, into `out`, and returns
 * the unscaled sum Σᵢ (xᵢ − x'ᵢ)·gradientSumᵢ. Four features per iteration: V8 adds an interrupt
 * check to every iteration, which costs this loop more than its arithmetic; the sum still adds the
 * features in order, so it is the same as a plain loop's to the bit.
 */
export function addPathAttribution(out: Float32Array, input: Float32Array, baseline: Float32Array, gradientSum: Float64Array, scale: number): number {
  const n = input.length;
  let sum = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = ((input[i] as number) - (baseline[i] as number)) * (gradientSum[i] as number);
    const a1 = ((input[i + 1] as number) - (baseline[i + 1] as number)) * (gradientSum[i + 1] as number);
    const a2 = ((input[i + 2] as number) - (baseline[i + 2] as number)) * (gradientSum[i + 2] as number);
    const a3 = ((input[i + 3] as number) - (baseline[i + 3] as number)) * (gradientSum[i + 3] as number);
    sum = sum + a0 + a1 + a2 + a3;
    out[i] = (out[i] as number) + scale * a0;
    out[i + 1] = (out[i + 1] as number) + scale * a1;
    out[i + 2] = (out[i + 2] as number) + scale * a2;
    out[i + 3] = (out[i + 3] as number) + scale * a3;
  }
  for (; i < n; i++) {
    const a = ((input[i] as number) - (baseline[i] as number)) * (gradientSum[i] as number);
    sum += a;
    out[i] = (out[i] as number) + scale * a;
  }
  return sum;
}
