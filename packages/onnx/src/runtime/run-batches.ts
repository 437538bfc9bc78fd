/** Point-batch helpers for sessions built for a fixed number of points per run. */

export const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Runs of at most `size` points covering `count`: [start, count] pairs. */
export function runsOf(count: number, size: number): [number, number][] {
  const list: [number, number][] = [];
  for (let start = 0; start < count; start += size) list.push([start, Math.min(size, count - start)]);
  return list;
}

/**
 * Points `start … start + count − 1` of a point-major batch as exactly `size` points: a view when
 * they fill the run, else a copy padded with repeats of the last point (a real point, so padding
 * never meets a value the model cannot take); the padded rows' results are dropped.
 */
export function padPoints(points: Float32Array, pointSize: number, start: number, count: number, size: number): Float32Array {
  const view = points.subarray(start * pointSize, (start + count) * pointSize);
  if (count === size) return view;
  const out = new Float32Array(size * pointSize);
  out.set(view);
  const last = view.subarray((count - 1) * pointSize);
  for (let k = count; k < size; k++) out.set(last, k * pointSize);
  return out;
}

/** `values[start … start + count − 1]` as `size` values, padded with `fill` (or the last value). */
export function padValues(values: Float32Array, start: number, count: number, size: number, fill?: number): Float32Array {
  const view = values.subarray(start, start + count);
  if (count === size) return view;
  const out = new Float32Array(size);
  out.set(view);
  out.fill(fill ?? (view[count - 1] as number), count);
  return out;
}

/** `rows[start … start + count − 1]` of `rowSize` values each, as `size` rows padded with zero rows. */
export function padRows(rows: Float32Array, rowSize: number, start: number, count: number, size: number): Float32Array {
  const view = rows.subarray(start * rowSize, (start + count) * rowSize);
  if (count === size) return view;
  const out = new Float32Array(size * rowSize);
  out.set(view);
  return out;
}
