/**
 * Adds a path's attribution, (x − x') ⊙ gradientSum scaled by `scale`, into `out`, and returns
 * the unscaled sum Σᵢ (xᵢ − x'ᵢ)·gradientSumᵢ. Four features per iteration (V8 adds an interrupt
 * check to every iteration) into four partial sums: one running sum would make every add wait for
 * the one before, which bounds this loop more than its memory traffic does.
 */
export function addPathAttribution(out: Float32Array, input: Float32Array, baseline: Float32Array, gradientSum: Float64Array, scale: number): number {
  const n = input.length;
  let [s0, s1, s2, s3] = [0, 0, 0, 0];
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = ((input[i] as number) - (baseline[i] as number)) * (gradientSum[i] as number);
    const a1 = ((input[i + 1] as number) - (baseline[i + 1] as number)) * (gradientSum[i + 1] as number);
    const a2 = ((input[i + 2] as number) - (baseline[i + 2] as number)) * (gradientSum[i + 2] as number);
    const a3 = ((input[i + 3] as number) - (baseline[i + 3] as number)) * (gradientSum[i + 3] as number);
    s0 += a0;
    s1 += a1;
    s2 += a2;
    s3 += a3;
    out[i] = (out[i] as number) + scale * a0;
    out[i + 1] = (out[i + 1] as number) + scale * a1;
    out[i + 2] = (out[i + 2] as number) + scale * a2;
    out[i + 3] = (out[i + 3] as number) + scale * a3;
  }
  let sum = s0 + s1 + (s2 + s3);
  for (; i < n; i++) {
    const a = ((input[i] as number) - (baseline[i] as number)) * (gradientSum[i] as number);
    sum += a;
    out[i] = (out[i] as number) + scale * a;
  }
  return sum;
}
