import type { PointBatch } from '@ig/core';
import { checkOutputBatchAxis } from './output-guard.js';
import type { OrtModuleLike, OrtSessionLike, OrtTensorLike } from './ort.js';
import { slotExamples } from './context.js';
import { padPoints, product, runsOf } from './run-batches.js';
import type { RunSession } from './session-cache.js';
import { toFloat32 } from './session.js';

export interface ForwardContext {
  readonly ort: OrtModuleLike;
  readonly session: OrtSessionLike;
  readonly inputs: readonly string[];
  readonly output: string;
  /** The model's fixed batch size, if it has one. */
  readonly capacity: number | undefined;
  readonly run: RunSession;
  /** The held-fixed (context) inputs for `count` run slots, slot k of example `slots[k]` (see slotExamples). */
  readonly contextFeeds: (count: number, slots: Int32Array | undefined) => Record<string, OrtTensorLike>;
}

/** `predict` on the forward session. A model with a fixed batch size takes exactly that many points per run (the last padded). */
export function forwardPredict(context: ForwardContext): (batch: PointBatch) => Promise<Float32Array> {
  const { ort, session, inputs, output, capacity } = context;
  return async (batch) => {
    const size = capacity ?? batch.count;
    const parts: Float32Array[] = [];
    for (const [start, count] of runsOf(batch.count, size)) {
      const feeds: Record<string, OrtTensorLike> = context.contextFeeds(size, slotExamples(batch.exampleIndices, start, count, size));
      inputs.forEach((name, i) => {
        const shape = batch.pointShapes[i] ?? [];
        feeds[name] = new ort.Tensor('float32', padPoints(batch.points[i] as Float32Array, product(shape), start, count, size), [size, ...shape]);
      });
      const results = await context.run(session, feeds);
      checkOutputBatchAxis(results[output], output, size, capacity ?? Number.POSITIVE_INFINITY);
      const result = toFloat32(results[output], `output "${output}"`);
      parts.push(result.subarray(0, (result.length / size) * count));
    }
    return concat(parts);
  };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0] as Float32Array;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
