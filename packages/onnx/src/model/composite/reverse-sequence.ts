import { intAttribute } from '../../graph/attributes.js';
import type { CompositeOp } from './composite-op.js';
import type { LoweringBuilder } from './lowering-builder.js';
import { unloweredForm } from './node-inputs.js';

/** The time index each output element reads: len − 1 − t within the first len steps, t after. */
const source = (t: number, length: number): number => (t < length ? length - 1 - t : t);

/**
 * The indices along the time axis as a [batch, time] (or [time, batch]) int64 tensor, built in the
 * graph from the lengths when they are data: Where(t < len, len − 1 − t, t), no-gradient integer ops.
 */
function indicesFromData(b: LoweringBuilder, lens: string, batchAxis: number, batch: number, time: number): string {
  const shape = batchAxis === 0 ? [batch, time] : [time, batch];
  const column = b.reshape(lens, batchAxis === 0 ? [batch, 1] : [1, batch]);
  const steps = b.int64Constant(
    Array.from({ length: time }, (_, t) => t),
    batchAxis === 0 ? [1, time] : [time, 1],
  );
  const reversed = b.shaped('Sub', [b.shaped('Sub', [column, b.int64Constant([1], [])], b.shape(column)), steps], shape);
  return b.shaped('Where', [b.shaped('Less', [steps, column], shape), reversed, b.shaped('Expand', [steps, b.int64Constant(shape)], shape)], shape);
}

/**
 * ReverseSequence: reverses the first sequence_lens[b] steps along time_axis of each batch entry
 * b, as one GatherElements along time_axis with indices that broadcast over the other axes.
 */
export const reverseSequence: CompositeOp = {
  opType: 'ReverseSequence',
  since: 10,
  differentiable: [0],
  refusal: () => undefined,
  lower(b, node) {
    const [x, lens] = node.input as [string, string];
    const shape = b.shape(x);
    const batchAxis = intAttribute(node, 'batch_axis', 1);
    const timeAxis = intAttribute(node, 'time_axis', 0);
    if (shape.length < 2 || ![0, 1].includes(batchAxis) || ![0, 1].includes(timeAxis) || batchAxis === timeAxis)
      throw unloweredForm(b, node, `batch_axis ${batchAxis} and time_axis ${timeAxis} must be 0 and 1 in some order, for input of shape [${shape.join(', ')}]`);
    const batch = shape[batchAxis] as number;
    const time = shape[timeAxis] as number;
    if (b.shape(lens).join() !== String(batch))
      throw unloweredForm(b, node, `sequence_lens "${lens}" has shape [${b.shape(lens).join(', ')}]; it must be [${batch}]`);
    const pair = batchAxis === 0 ? [batch, time] : [time, batch];
    let indices: string;
    if (b.hasConstantValues(lens)) {
      const values = b.constantValues(lens);
      const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0 || v > time);
      if (bad >= 0) throw unloweredForm(b, node, `sequence_lens[${bad}] is ${values[bad]}; it must lie in [0, ${time}]`);
      const inner = pair[1] as number;
      const flat = Array.from({ length: batch * time }, (_, i) => {
        const [first, second] = [Math.floor(i / inner), i % inner];
        const [entry, t] = batchAxis === 0 ? [first, second] : [second, first];
        return source(t, values[entry] as number);
      });
      indices = b.int64Constant(flat, pair);
    } else indices = indicesFromData(b, lens, batchAxis, batch, time);
    const full = b.shaped('Expand', [b.reshape(indices, [...pair, ...shape.slice(2).map(() => 1)]), b.int64Constant(shape)], shape);
    return [b.shaped('GatherElements', [x, full], shape, { axis: { int: timeAxis } })];
  },
};
