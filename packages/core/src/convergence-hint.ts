/** Share of F's total variation along the path that the change interval holds. */
export const CHANGE_SHARE = 0.8;
/** A change interval at most this wide (in α) counts as concentrated: the output saturates around it. */
export const SATURATED_WIDTH = 0.2;
/** Total variation beyond this multiple of |F(x) − F(x')| counts as F rising and falling. */
const WANDERING_RATIO = 2;

/** F along one path at the α where it was evaluated, sorted by α. */
export interface PathProfile {
  readonly alphas: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** Where along the path F changed: the shortest α interval holding CHANGE_SHARE of its variation. */
export interface ChangeInterval {
  readonly from: number;
  readonly to: number;
  /** Σ |F(αₖ₊₁) − F(αₖ)| over the evaluated points. */
  readonly variation: number;
  /** F at the last point minus F at the first. */
  readonly net: number;
}

/**
 * The shortest run of neighbouring evaluated pieces whose |ΔF| add up to CHANGE_SHARE of the total
 * variation (two pointers over the pieces). Between two evaluated points F may change anywhere,
 * so the interval is as wide as the evaluations resolve it, never narrower than the truth.
 */
export function changeInterval(profile: PathProfile): ChangeInterval | null {
  const { alphas, values } = profile;
  const n = alphas.length;
  if (n < 2) return null;
  const jumps = new Float64Array(n - 1);
  let variation = 0;
  for (let k = 0; k + 1 < n; k++) {
    jumps[k] = Math.abs((values[k + 1] as number) - (values[k] as number));
    variation += jumps[k] as number;
  }
  const net = (values[n - 1] as number) - (values[0] as number);
  if (!(variation > 0)) return { from: alphas[0] as number, to: alphas[n - 1] as number, variation, net };
  let best = { from: alphas[0] as number, to: alphas[n - 1] as number };
  let sum = 0;
  let start = 0;
  for (let end = 0; end < n - 1; end++) {
    sum += jumps[end] as number;
    while (start < end && sum - (jumps[start] as number) >= CHANGE_SHARE * variation) sum -= jumps[start++] as number;
    const from = alphas[start] as number;
    const to = alphas[end + 1] as number;
    if (sum >= CHANGE_SHARE * variation && to - from < best.to - best.from) best = { from, to };
  }
  return { ...best, variation, net };
}

const fixed = (a: number): string => String(Number(a.toFixed(3)));

/**
 * What helps a path that ended above the tolerance, judged from where F changed along it:
 * concentrated change means a saturating output (explain logits, or another baseline), change
 * spread over the path means more points, a path along which F rises and falls far more than
 * its net change needs another baseline or target.
 */
export function convergenceHint(interval: ChangeInterval | null, more: string): string {
  if (interval === null) return more;
  const { from, to, variation, net } = interval;
  const where = `α ∈ [${fixed(from)}, ${fixed(to)}]`;
  if (variation > WANDERING_RATIO * Math.abs(net)) {
    return `F rises and falls along the path (total change ${variation.toPrecision(3)} against a net change of ${net.toPrecision(3)}), so the error is relative to a small difference: try another baseline or target, or ${more}`;
  }
  if (to - from <= SATURATED_WIDTH) {
    const place = to <= 0.3 ? ' (next to the baseline)' : from >= 0.7 ? ' (next to the input)' : '';
    return (
      `${Math.round(CHANGE_SHARE * 100)}% of F's change happens within ${where}${place} and F is nearly flat elsewhere: the output saturates, ` +
      'as a softmax or sigmoid probability does (explain the logits, the output before softmax/sigmoid, instead of probabilities), ' +
      "or it barely depends on the input's scale away from the baseline, as after a LayerNorm; either way a baseline nearer the input helps " +
      'more than more steps'
    );
  }
  return `F changes along the whole path (${Math.round(CHANGE_SHARE * 100)}% of its change within ${where}): ${more}`;
}
