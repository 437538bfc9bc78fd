import { UsageError } from './errors.js';
import { labelIndex } from './labels-file.js';

function argmax(values: Float32Array, from: number, count: number): number {
  let best = 0;
  for (let j = 1; j < count; j++) if ((values[from + j] as number) > (values[from + best] as number)) best = j;
  return best;
}

/**
 * The output's dimensions after the batch axis, with one open dimension (a segmentation map's
 * height, say) filled in from the number of outputs per example; null when that is not possible.
 */
function knownDims(declared: readonly (number | null)[] | undefined, outputSize: number): number[] | null {
  if (declared === undefined || declared.length < 2) return null;
  const open = declared.filter((d) => d === null).length;
  const known = declared.reduce<number>((p, d) => p * (d ?? 1), 1);
  if (open > 1 || outputSize % known !== 0) return null;
  return declared.map((d) => d ?? outputSize / known);
}

/** The flat index of an index along every output axis, e.g. class, row, column of a segmentation map. */
function flatIndex(index: readonly number[], dims: readonly number[]): number {
  return index.reduce((flat, i, axis) => {
    const size = dims[axis] as number;
    if (i >= size) throw new UsageError(`--target ${index.join(',')}: index ${i} on axis ${axis} is out of range for the [${dims.join(', ')}] output`);
    return flat * size + i;
  }, 0);
}

/**
 * Class index per example from the model's outputs at the input (`outputs`, example-major):
 * `auto` (the argmax), an index, an index per example (`0,3,1`), a label from --labels, or, for
 * one example and an output with several axes after the batch (`outputDims`), an index along each
 * axis (`2,15,6`: class 2 at row 15, column 6 of a segmentation map), turned into the flat index.
 */
export function targetsFromOutputs(
  outputs: Float32Array,
  examples: number,
  target: string,
  labels: readonly string[] | null,
  outputDims?: readonly (number | null)[],
): number[] {
  const outputSize = outputs.length / examples;
  // A classifier's scores are one axis: a name per score, or the names would be shifted.
  if (labels !== null && (outputDims?.length ?? 1) <= 1 && labels.length !== outputSize)
    throw new UsageError(
      `--labels names ${labels.length} classes but the model outputs ${outputSize} scores per example; give one name per score, in the output's order`,
    );
  const check = (index: number): number => {
    if (index >= outputSize) throw new UsageError(`--target ${index} is out of range: the model has ${outputSize} outputs (0–${outputSize - 1})`);
    return index;
  };
  if (/^\d+(,\d+)+$/.test(target)) {
    const list = target.split(',').map(Number);
    const dims = knownDims(outputDims, outputSize);
    if (list.length !== examples && examples === 1 && dims !== null && list.length === dims.length) return [flatIndex(list, dims)];
    if (list.length !== examples) {
      const perAxis = dims === null ? '' : ` or, for one example, an index along each of the output's ${dims.length} axes ([${dims.join(', ')}])`;
      throw new UsageError(`--target lists ${list.length} classes but the input has ${examples} examples; give one per example${perAxis}`);
    }
    return list.map(check);
  }
  let index: number | null = null;
  if (target !== 'auto') {
    if (/^\d+$/.test(target)) index = check(Number(target));
    else if (labels) {
      index = labelIndex(labels, target, '--target');
      if (index < 0) throw new UsageError(`--target '${target}' is not one of the labels (${labels.slice(0, 5).join(', ')}${labels.length > 5 ? ', …' : ''})`);
      check(index);
    } else throw new UsageError(`--target must be a class index, a comma-separated index per example, auto, or a label with --labels; got '${target}'`);
  }
  return Array.from({ length: examples }, (_, e) => index ?? argmax(outputs, e * outputSize, outputSize));
}
