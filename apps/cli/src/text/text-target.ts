import { targetAt, type TargetSpec } from '@ig/core';
import { UsageError } from '../errors.js';

/** The target for one output `[1, …, classes]`: `auto` (the largest logit), an index, a label, or `p,c`. */
export function resolveTextTarget(
  spec: string,
  output: { data: Float32Array; shape: readonly number[] },
  labels: readonly string[] | null,
): { target: number | number[]; objective: TargetSpec } {
  const dims = output.shape.slice(1);
  const classes = dims[dims.length - 1] ?? 1;
  let index: number[];
  if (spec === 'auto') {
    let best = 0;
    output.data.forEach((v, i) => {
      if (v > (output.data[best] as number)) best = i;
    });
    index = dims.length > 1 ? [Math.floor(best / classes), best % classes] : [best];
  } else if (/^\d+(,\d+)*$/.test(spec)) index = spec.split(',').map(Number);
  else if (labels?.includes(spec)) index = [labels.indexOf(spec)];
  else throw new UsageError(`--target ${spec}: give auto, a class index, "position,class" or a label from --labels`);
  if (dims.length <= 1 && index.length === 1) return { target: index[0] as number, objective: index[0] as number };
  return { target: index, objective: { weights: targetAt(output.shape, index) } };
}
