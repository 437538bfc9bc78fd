import { UsageError } from './errors.js';

function argmax(values: Float32Array, from: number, count: number): number {
  let best = 0;
  for (let j = 1; j < count; j++) if ((values[from + j] as number) > (values[from + best] as number)) best = j;
  return best;
}

/**
 * Class index per example from the model's outputs at the input (`outputs`, example-major):
 * `auto` (the argmax), an index, an index per example (`0,3,1`), or a label from --labels.
 */
export function targetsFromOutputs(outputs: Float32Array, examples: number, target: string, labels: readonly string[] | null): number[] {
  const outputSize = outputs.length / examples;
  const check = (index: number): number => {
    if (index >= outputSize) throw new UsageError(`--target ${index} is out of range: the model has ${outputSize} outputs (0–${outputSize - 1})`);
    return index;
  };
  if (/^\d+(,\d+)+$/.test(target)) {
    const list = target.split(',').map((t) => check(Number(t)));
    if (list.length !== examples) throw new UsageError(`--target lists ${list.length} classes but the input has ${examples} examples; give one per example`);
    return list;
  }
  let index: number | null = null;
  if (target !== 'auto') {
    if (/^\d+$/.test(target)) index = check(Number(target));
    else if (labels) {
      index = labels.indexOf(target);
      if (index < 0) throw new UsageError(`--target '${target}' is not one of the labels (${labels.slice(0, 5).join(', ')}${labels.length > 5 ? ', …' : ''})`);
      check(index);
    } else throw new UsageError(`--target must be a class index, a comma-separated index per example, auto, or a label with --labels; got '${target}'`);
  }
  return Array.from({ length: examples }, (_, e) => index ?? argmax(outputs, e * outputSize, outputSize));
}
