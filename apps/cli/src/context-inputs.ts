import { FileFormatError, UsageError } from './errors.js';
import { readNpyFile } from './files.js';
import type { ContextValues } from './engines/engine.js';
import { contextFiles } from './text/ids-explain.js';

/**
 * The values of --context-input NAME=FILE.npy for a model whose attributed inputs are float
 * tensors (a length, a mask or a flag beside an image), batch axis first: one row, fed with every
 * example, or one row per example of the input (see checkContextRows).
 */
export function readContextInputs(values: readonly string[]): ContextValues {
  return readContextValues(contextFiles(values), (name) => `--context-input ${name}`);
}

/** Model input name → .npy file, read as context values; `label` names an input in errors. */
export function readContextValues(files: ReadonlyMap<string, string>, label: (name: string) => string): ContextValues {
  const context: Record<string, ContextValues[string]> = {};
  for (const [name, path] of files) {
    const array = readNpyFile(path, label(name));
    if (array.shape.length === 0 || array.shape[0] === 0)
      throw new FileFormatError(path, `${label(name)} needs a batch axis first ([1, ...], or one row per example); got [${array.shape.join(', ')}]`);
    const { data } = array;
    if (data instanceof Float64Array) context[name] = { data: Float32Array.from(data), shape: array.shape };
    else if (data instanceof BigInt64Array || data instanceof Int32Array || data instanceof Float32Array || data instanceof Uint8Array)
      context[name] = { data, shape: array.shape };
    else throw new UsageError(`${label(name)}: ${array.dtype} values are not supported`);
  }
  return context;
}

/** Each context value has one row, or one row per example of the input (`examples`, from `input`). */
export function checkContextRows(
  context: ContextValues,
  examples: number,
  input: string,
  label: (name: string) => string = (name) => `--context-input ${name}`,
): void {
  for (const [name, value] of Object.entries(context)) {
    const rows = value.shape[0] as number;
    if (rows !== 1 && rows !== examples)
      throw new UsageError(`${label(name)} holds ${rows} rows, but ${input} holds ${examples} examples: give one row, or one per example`);
  }
}
