/**
 * Captum's reference assumes PyTorch's max-pool tie rule (first maximum). Where a backend breaks
 * ties otherwise, only path points that sit exactly on a tie differ: the α = 0 point of a zero or
 * constant baseline. This replays such a case for another rule: the α = 0 term of Captum's sum,
 * w₀·(x − x′)·∇F(x′), is swapped for the same term under the backend's rule, both gradients from
 * the independent float64 reference in small-cnn-reference.ts.
 */
import { smallCnnGradient, type MaxPoolTieRule } from './small-cnn-reference.js';

export interface TieReplay {
  /** What to add to Captum's attribution, per pixel (NCHW). */
  readonly correction: Float64Array;
  /** Its sum: what the sum and the convergence delta move by. */
  readonly sum: number;
}

export function replayTieRule(
  input: ArrayLike<number>,
  baseline: ArrayLike<number>,
  target: number,
  rule: { alphas: readonly number[]; weights: readonly number[] },
  tieRule: MaxPoolTieRule,
): TieReplay {
  const correction = new Float64Array(input.length);
  const origin = rule.alphas.indexOf(0);
  if (tieRule === 'first' || origin < 0) return { correction, sum: 0 };
  const weight = rule.weights[origin] as number;
  const theirs = smallCnnGradient(baseline, target, 'first').gradient;
  const ours = smallCnnGradient(baseline, target, tieRule).gradient;
  let sum = 0;
  for (let i = 0; i < correction.length; i++) {
    correction[i] = weight * ((input[i] as number) - (baseline[i] as number)) * ((ours[i] as number) - (theirs[i] as number));
    sum += correction[i] as number;
  }
  return { correction, sum };
}
