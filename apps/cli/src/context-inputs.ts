import { FileFormatError, UsageError } from './errors.js';
import { readNpyFile } from './files.js';
import type { ContextValues } from './engines/engine.js';
import { contextFiles } from './text/ids-explain.js';

/**
 * The values of --context-input NAME=FILE.npy for a model whose attributed input is a float
 * tensor (a length, a mask or a flag beside an image): one example's value each, batch axis
 * first, fed unchanged with every example and path point.
 */
export function readContextInputs(values: readonly string[]): ContextValues {
  const context: Record<string, ContextValues[string]> = {};
  for (const [name, path] of contextFiles(values)) {
    const array = readNpyFile(path, `--context-input ${name}`);
    if (array.shape[0] !== 1)
      throw new FileFormatError(path, `--context-input ${name} holds one example's value, batch axis first ([1, ...]); got [${array.shape.join(', ')}]`);
    const { data } = array;
    if (data instanceof Float64Array) context[name] = { data: Float32Array.from(data), shape: array.shape };
    else if (data instanceof BigInt64Array || data instanceof Int32Array || data instanceof Float32Array || data instanceof Uint8Array)
      context[name] = { data, shape: array.shape };
    else throw new UsageError(`--context-input ${name}: ${array.dtype} values are not supported`);
  }
  return context;
}
