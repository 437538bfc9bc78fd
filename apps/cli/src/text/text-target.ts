import { targetAt, type TargetSpec } from '@ig/core';
import { UsageError } from '../errors.js';
import { labelIndex } from '../labels-file.js';

const argmax = (values: ArrayLike<number>, from: number, to: number): number => {
  let best = from;
  for (let i = from; i < to; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
};

/** How a class is named: an index, a label of --labels, or (a language model's) vocabulary token. */
export interface ClassNames {
  readonly labels: readonly string[] | null;
  readonly tokenId?: (token: string) => number | undefined;
}

function classOf(spec: string, part: string, names: ClassNames): number {
  if (/^\d+$/.test(part)) return Number(part);
  const labelled = names.labels ? labelIndex(names.labels, part, `--target ${spec}:`) : -1;
  if (labelled >= 0) return labelled;
  const id = names.tokenId?.(part);
  if (id !== undefined) return id;
  throw new UsageError(`--target ${spec}: "${part}" is neither a class index, a label from --labels nor a token of the tokenizer`);
}

/**
 * The target for one output `[1, classes]` or `[1, positions, classes]`: `auto` (the largest
 * logit; of a sequence output, at the text's positions `0…lastPosition`, never the padding), an
 * index or a label, `p,c` (position, class), `last` (the class predicted at the last token: a
 * language model's next token) or `last,c` (class `c` there). A class may also be a token of the
 * tokenizer (`last,Ġgreat`), for a language model whose classes are its vocabulary.
 */
export function resolveTextTarget(
  spec: string,
  output: { data: Float32Array; shape: readonly number[] },
  names: ClassNames | readonly string[] | null,
  lastPosition?: number,
): { target: number | number[]; objective: TargetSpec } {
  const given: ClassNames = names === null || Array.isArray(names) ? { labels: names as readonly string[] | null } : (names as ClassNames);
  const dims = output.shape.slice(1);
  const classes = dims[dims.length - 1] ?? 1;
  const sequence = dims.length > 1;
  const classNames: ClassNames = sequence ? given : { labels: given.labels };
  const last = Math.min(lastPosition ?? (sequence ? (dims[0] as number) - 1 : 0), sequence ? (dims[0] as number) - 1 : 0);
  const parts = spec.split(',');
  let index: number[];
  if (spec === 'auto') {
    const best = argmax(output.data, 0, sequence ? (last + 1) * classes : output.data.length);
    index = sequence ? [Math.floor(best / classes), best % classes] : [best];
  } else if (parts[0] === 'last') {
    if (!sequence) throw new UsageError(`--target ${spec}: "last" names a position, and the output [${output.shape.join(', ')}] has none`);
    if (parts.length > 2) throw new UsageError(`--target ${spec}: give last or last,CLASS`);
    index = [last, parts[1] === undefined ? argmax(output.data, last * classes, (last + 1) * classes) - last * classes : classOf(spec, parts[1], classNames)];
  } else if (/^\d+(,\d+)*$/.test(spec)) index = parts.map(Number);
  else if (parts.length === 2 && /^\d+$/.test(parts[0] as string)) index = [Number(parts[0]), classOf(spec, parts[1] as string, classNames)];
  else if (parts.length === 1) index = [classOf(spec, spec, classNames)];
  else throw new UsageError(`--target ${spec}: give auto, a class index, "position,class", last, "last,class" or a label from --labels`);
  if (dims.length <= 1 && index.length === 1) return { target: index[0] as number, objective: index[0] as number };
  return { target: index, objective: { weights: targetAt(output.shape, index) } };
}
