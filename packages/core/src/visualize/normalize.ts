import { describeValue } from '../describe-value.js';
import { InvalidOptionError, NonFiniteError } from '../errors.js';
import type { PixelMap, VisualizeSign } from './types.js';
import { VISUALIZE_SIGNS } from './types.js';

/** Captum's default share of the attribution mass treated as outliers, in percent. */
export const DEFAULT_OUTLIER_PERCENTILE = 2;

/**
 * The smallest value v of `values` (sorted ascending) at which the running sum first reaches
 * `percentile`% of the total. On non-negative values this cuts off the few largest entries that
 * hold the top (100 − percentile)% of the mass — Captum's `_cumulative_sum_threshold`.
 */
export function cumulativeSumThreshold(values: ArrayLike<number>, percentile: number): number {
  if (!(percentile >= 0 && percentile <= 100)) {
    throw new InvalidOptionError(`percentile must be in [0, 100], got ${String(percentile)}`);
  }
  if (values.length === 0) throw new InvalidOptionError('cannot take a threshold of an empty attribution map');
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (const v of sorted) total += v;
  const goal = total * 0.01 * percentile;
  let running = 0;
  for (const v of sorted) {
    running += v;
    if (running >= goal) return v;
  }
  return sorted[sorted.length - 1] as number;
}

function checkSign(sign: VisualizeSign): void {
  if (!VISUALIZE_SIGNS.includes(sign)) {
    throw new InvalidOptionError(`sign must be one of ${VISUALIZE_SIGNS.join(', ')}, got '${String(sign)}'`);
  }
}

function checkFinite(values: Float64Array, where: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new NonFiniteError(where, i, v);
  }
}

/** The values a sign keeps: positive parts, negative parts, magnitudes, or all as they are. */
export function selectSign(values: Float64Array, sign: VisualizeSign): Float64Array {
  checkSign(sign);
  switch (sign) {
    case 'all':
      return values;
    case 'positive':
      return values.map((v) => (v > 0 ? v : 0));
    case 'negative':
      return values.map((v) => (v < 0 ? v : 0));
    case 'absolute_value':
      return values.map((v) => Math.abs(v));
  }
}

/**
 * The divisor that maps a sign's values into [−1, 1] (negative for `negative`, so that the result
 * is non-negative). Pass several maps to get one scale shared by all of them, so their heatmaps
 * can be compared pixel for pixel.
 */
export function heatmapScale(maps: PixelMap | readonly PixelMap[], sign: VisualizeSign, outlierPercentile = DEFAULT_OUTLIER_PERCENTILE): number {
  const list: readonly PixelMap[] = Array.isArray(maps) ? maps : [maps as PixelMap];
  let length = 0;
  for (const m of list) length += m.values.length;
  const magnitudes = new Float64Array(length);
  let offset = 0;
  list.forEach((m, index) => {
    checkFinite(m.values, list.length > 1 ? `attribution map ${index}` : 'attribution map');
    const kept = selectSign(m.values, sign);
    for (let i = 0; i < kept.length; i++) magnitudes[offset + i] = Math.abs(kept[i] as number);
    offset += kept.length;
  });
  if (typeof outlierPercentile !== 'number' || !(outlierPercentile >= 0 && outlierPercentile <= 100)) {
    throw new InvalidOptionError(`outlierPercentile must be a number in [0, 100], got ${describeValue(outlierPercentile)}`);
  }
  const threshold = cumulativeSumThreshold(magnitudes, 100 - outlierPercentile);
  return sign === 'negative' ? -threshold : threshold;
}

/**
 * A given divisor of the sign heatmapScale gives for `sign`: of the other sign every kept value
 * would clip to 0 and the map would draw blank. (0 is checked against the map, below.)
 */
function checkScale(scale: unknown, sign: VisualizeSign): void {
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new InvalidOptionError(`scale must be a finite number, got ${describeValue(scale)}`);
  const wanted = sign === 'negative' ? -1 : sign === 'all' ? Math.sign(scale) : 1;
  if (scale !== 0 && Math.sign(scale) !== wanted) {
    throw new InvalidOptionError(
      `scale ${scale} has the wrong sign for sign '${sign}': every value would normalize to 0 or below and the map would be blank; heatmapScale gives a ${wanted > 0 ? 'positive' : 'negative'} divisor for it`,
    );
  }
}

/**
 * Captum's `_normalize_attr`: keep the sign's values, divide by the outlier-trimmed threshold and
 * clip to [−1, 1]. A map with nothing to show (threshold 0) normalizes to all zeros. A given
 * `scale` of the wrong sign for `sign`, or of 0 for a map with something to show, is refused:
 * either would draw that map blank.
 */
export function normalizeAttributions(map: PixelMap, sign: VisualizeSign, outlierPercentile = DEFAULT_OUTLIER_PERCENTILE, scale?: number): Float64Array {
  if (scale !== undefined) {
    checkSign(sign);
    checkScale(scale, sign);
  }
  const divisor = scale ?? heatmapScale(map, sign, outlierPercentile);
  checkFinite(map.values, 'attribution map');
  const kept = selectSign(map.values, sign);
  if (divisor === 0) {
    // A shared heatmapScale of maps with nothing to show is 0, and draws each of them blank, as it should.
    if (scale !== undefined && kept.some((v) => v !== 0)) {
      throw new InvalidOptionError(
        `scale must not be 0: cannot normalize by a scale factor of 0 (Captum asserts the same), and the map has values to show for sign '${sign}'`,
      );
    }
    return new Float64Array(kept.length);
  }
  return kept.map((v) => (v === 0 ? 0 : Math.min(1, Math.max(-1, v / divisor))));
}
