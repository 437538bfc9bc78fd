/**
 * NumPy's `nanpercentile` (linear interpolation between order statistics) of the non-NaN values;
 * NaN when there are none.
 */
export function nanPercentile(values: ArrayLike<number>, percentile: number): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i] as number)) finite.push(values[i] as number);
  if (finite.length === 0) return Number.NaN;
  finite.sort((a, b) => a - b);
  const p = Math.min(100, Math.max(0, percentile));
  const rank = (p / 100) * (finite.length - 1);
  const low = Math.floor(rank);
  const high = Math.min(finite.length - 1, low + 1);
  return (finite[low] as number) + (rank - low) * ((finite[high] as number) - (finite[low] as number));
}

/**
 * Units whose tracked score is at or above the percentile of the scores still open (NaN marks
 * units already selected). The adjustments are `acd`'s:
 * - grid: 15 points lower once more than a third of the units are selected, and 4 points lower
 *   at a time until at least one unit is picked;
 * - sequence: on |score| when `absolute`, and for the last 5 open units the percentiles
 *   59, 49, 59, 49, 0, which pick about two at a time.
 */
export function thresholdScores(track: Float64Array, percentileInclude: number, kind: 'sequence' | 'grid', absolute: boolean): boolean[] {
  const values = absolute ? track.map(Math.abs) : track;
  const open = values.reduce((n, v) => (Number.isNaN(v) ? n : n + 1), 0);
  if (open === 0) return Array.from(values, () => false);
  let p = percentileInclude;
  if (kind === 'grid') {
    if (values.length - open > values.length / 3) p -= 15;
  } else if (open <= 5) {
    p = [0, 0, 49, 59, 49, 59][open] as number;
  }
  for (;;) {
    const threshold = nanPercentile(values, p);
    const picked = Array.from(values, (v) => !Number.isNaN(v) && v >= threshold);
    if (picked.some(Boolean) || p <= 0) return picked;
    p -= 4;
  }
}

/** A grid's selection grown by every open unit with at least three selected edge neighbours (`acd`'s smoothing). */
export function smoothSelection(selected: readonly boolean[], rows: number, cols: number): boolean[] {
  return selected.map((on, u) => {
    if (on) return true;
    const r = Math.floor(u / cols);
    const c = u % cols;
    let count = 0;
    if (r > 0 && selected[u - cols]) count++;
    if (r < rows - 1 && selected[u + cols]) count++;
    if (c > 0 && selected[u - 1]) count++;
    if (c < cols - 1 && selected[u + 1]) count++;
    return count >= 3;
  });
}
