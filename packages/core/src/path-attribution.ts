/**
 * A path's attribution, (x − x') ⊙ gradientSum scaled by `scale`, written into `out` (a cell's
 * first path: earlier contents are ignored) or added to it (the further baselines of an average).
 * Both return the unscaled sum Σᵢ (xᵢ − x'ᵢ)·gradientSumᵢ. Four features per iteration: V8 adds an
 * interrupt check to every iteration, which costs this loop more than its arithmetic; the sum
 * still adds the features in order, so it is the same as a plain loop's to the bit.
 */
export function writePathAttribution(out: Float32Array, input: Float32Array, baseline: Float32Array, gradientSum: Float64Array, scale: number): number {
  const n = input.length;
  let sum = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = ((input[i] as number) - (baseline[i] as number)) * (gradientSum[i] as number);
    const a1 = ((input[i + 1] as number) - (baseline[i + 1] as number)) * (gradientSum[i + 1] as number);
    const a2 = ((input[i + 2] as number) - (baseline[i + 2] as number)) * (gradientSum[i + 2] as number);
    const a3 = ((input[i + 3] as number) - (baseline[i + 3] as number)) * (gradientSum[i + 3] as number);
    sum = sum + a0 + a1 + a2 + a3;
    // `+ 0` turns −0 into +0, as adding to a zero-filled array does.
    out[i] = scale * a0 + 0;
    out[i + 1] = scale * a1 + 0;
    out[i + 2] = scale * a2 + 0;
    out[i + 3] = scale * a3 + 0;
  }
  for (; i < n; i++) {
    const a = ((input[i] as number) - (baseline[i] as number)) * (gradientSum[i] as number);
    sum += a;
    out[i] = scale * a + 0;
  }
  return sum;
}

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
