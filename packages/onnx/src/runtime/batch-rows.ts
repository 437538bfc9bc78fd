import type { IntegrateRequest, PointBatch } from '@ig/core';
import { BatchRowsError } from '../errors.js';
import type { ForwardContext } from './forward.js';
import { checkOutputBatchAxis } from './output-guard.js';
import type { OrtTensorLike } from './ort.js';
import { product } from './run-batches.js';
import { toFloat32 } from './session.js';

/**
 * Largest difference, relative to the row's largest |value|, between two rows that compute the
 * same thing: kernels that batch rows differently round differently by a few float32 ulps (about
 * 1e-6); a constant per row or a reduction over the batch axis moves outputs by far more.
 */
const ROW_TOLERANCE = 1e-4;

/**
 * Checks once per model (whatever held-fixed inputs come with the first points) that the model's
 * batch rows are independent copies of one function, as stacking path points along the batch axis
 * assumes: one point repeated in every row gives the same output in every row (a fixed batch whose
 * rows hold different constants fails), and row 0 keeps its output when the other rows change (a
 * Softmax or normalization over the batch axis fails). Two forward runs of the fixed batch, or of
 * 2 rows; none for a fixed batch of 1, which runs one point at a time.
 */
export function batchRowsGuard(guard: GuardContext): (pointsOf: () => PointBatch, contextFeeds: ForwardContext['contextFeeds']) => Promise<void> {
  let rowsChecked: Promise<void> | undefined;
  let mixingChecked: Promise<void> | undefined;
  const size = guard.capacity ?? 2;
  // The points are asked for only while the check is pending: after it, a call costs nothing.
  return async (pointsOf, contextFeeds) => {
    if (size < 2) return undefined;
    if (mixingChecked !== undefined) return mixingChecked;
    const batch = pointsOf();
    if (batch.count === 0) return undefined;
    const context = { ...guard, contextFeeds };
    const other = otherPoint(batch);
    if (other < 0) return (rowsChecked ??= checkRows(context, batch, size, -1));
    mixingChecked = checkRows(context, batch, size, other);
    return mixingChecked;
  };
}

async function checkRows(context: ForwardContext & GuardContext, batch: PointBatch, size: number, other: number): Promise<void> {
  const same = await outputRows(context, batch, size, () => 0);
  if (same === undefined) return;
  for (let row = 1; row < size; row++) {
    const gap = largestGap(same, row, 0);
    if (gap !== undefined) {
      throw new BatchRowsError(
        context.output,
        row,
        `the rows of the model's fixed batch of ${size} compute different functions: with one point in every row, output "${context.output}" of row ${row} differs from row 0 by ${gap.difference.toPrecision(3)} at index ${gap.index} (its values reach ${gap.scale.toPrecision(3)}). Path points are stacked along that axis, so each would be explained by another function; export the model with a dynamic batch axis (or a batch of 1) whose rows each compute the same output`,
      );
    }
  }
  if (other < 0) return;
  const mixed = await outputRows(context, batch, size, (row) => (row === 0 ? 0 : other));
  if (mixed === undefined) return;
  const gap = largestGap({ ...mixed, other: same }, 0, 0);
  if (gap !== undefined && context.quantizesPerBatch) {
    context.warn(
      `the model's DynamicQuantizeLinear takes its scale from the whole batch, so a point's output moves with the other points of its batch: row 0 moved by ${gap.difference.toPrecision(3)} (its values reach ${gap.scale.toPrecision(3)}); within the quantization's own error`,
    );
  } else if (gap !== undefined) {
    throw new BatchRowsError(
      context.output,
      0,
      `the model mixes the rows of its batch: output "${context.output}" of row 0 changes by ${gap.difference.toPrecision(3)} at index ${gap.index} (its values reach ${gap.scale.toPrecision(3)}) when only the other ${size - 1} row(s) change, as a Softmax, normalization or reduction over the batch axis does. Path points are stacked along that axis, so each would see the others; export the model so that each batch row is computed on its own`,
    );
  }
}

/** What the guard needs of the backend; the held-fixed inputs come with each call (see withContext). */
export interface GuardContext extends Omit<ForwardContext, 'contextFeeds'> {
  /** The model quantizes dynamically (DynamicQuantizeLinear): its rows share a scale, a coupling it is built with. */
  readonly quantizesPerBatch: boolean;
  readonly warn: (message: string) => void;
}

interface Rows {
  readonly values: Float32Array;
  readonly rowLength: number;
  /** The rows compared with, when they come from another run. */
  readonly other?: Rows;
}

/**
 * The model's output for `size` rows, row r holding point `pointOf(r)` of the batch; undefined
 * where the model does not run on them or keeps no batch axis, which the real run reports itself.
 */
async function outputRows(
  context: ForwardContext & GuardContext,
  batch: PointBatch,
  size: number,
  pointOf: (row: number) => number,
): Promise<Rows | undefined> {
  const { ort, inputs, output } = context;
  const example = batch.exampleIndices?.[0];
  const slots = example === undefined ? undefined : new Int32Array(size).fill(example);
  const feeds: Record<string, OrtTensorLike> = context.contextFeeds(size, slots);
  inputs.forEach((name, i) => {
    const shape = batch.pointShapes[i] ?? [];
    const pointSize = product(shape);
    const source = batch.points[i] as Float32Array;
    const data = new Float32Array(size * pointSize);
    for (let row = 0; row < size; row++) {
      const point = pointOf(row);
      data.set(source.subarray(point * pointSize, (point + 1) * pointSize), row * pointSize);
    }
    feeds[name] = new ort.Tensor('float32', data, [size, ...shape]);
  });
  try {
    const results = await context.run(context.session, feeds);
    checkOutputBatchAxis(results[output], output, size, context.capacity ?? Number.POSITIVE_INFINITY);
    const values = toFloat32(results[output], `output "${output}"`);
    return { values, rowLength: values.length / size };
  } catch {
    return undefined;
  }
}

/** Where row `row` (of `rows`) and row `base` (of `rows.other`, or `rows`) differ beyond rounding; finite values only. */
function largestGap(rows: Rows, row: number, base: number): { difference: number; index: number; scale: number } | undefined {
  const { values, rowLength } = rows;
  const baseValues = (rows.other ?? rows).values;
  let scale = 0;
  let difference = 0;
  let index = -1;
  for (let j = 0; j < rowLength; j++) {
    const a = values[row * rowLength + j] as number;
    const b = baseValues[base * rowLength + j] as number;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    scale = Math.max(scale, Math.abs(b));
    if (Math.abs(a - b) > difference) {
      difference = Math.abs(a - b);
      index = j;
    }
  }
  return difference > ROW_TOLERANCE * scale ? { difference, index, scale } : undefined;
}

/** A point of the first point's example that differs from it in some input, or −1. */
function otherPoint(batch: PointBatch): number {
  const example = batch.exampleIndices?.[0];
  for (let k = 1; k < batch.count; k++) {
    if (example !== undefined && batch.exampleIndices?.[k] !== example) continue;
    const differs = batch.points.some((points, i) => {
      const size = product(batch.pointShapes[i] ?? []);
      for (let j = 0; j < size; j++) if (points[k * size + j] !== points[j]) return true;
      return false;
    });
    if (differs) return k;
  }
  return -1;
}

/** A fused `integrate` request's input and baseline as a batch of two points, for the guard. */
export function endpointsBatch(request: IntegrateRequest): PointBatch {
  return {
    points: request.input.map((x, i) => {
      const both = new Float32Array(2 * x.length);
      both.set(x);
      both.set(request.baseline[i] as Float32Array, x.length);
      return both;
    }),
    pointShapes: request.pointShapes,
    count: 2,
    ...(request.exampleIndex === undefined ? {} : { exampleIndices: Int32Array.of(request.exampleIndex, request.exampleIndex) }),
  };
}
