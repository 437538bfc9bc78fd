import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@ig/core';
import { UsageError } from './errors.js';
import { loadInput, type InputSettings } from './inputs.js';
import { isInputFile } from './input-file-kinds.js';

/** The files of a --baseline-set folder that are read as inputs, in name order. */
export function baselineSetFiles(folder: string): string[] {
  return readdirSync(folder)
    .filter(isInputFile)
    .sort()
    .map((name) => join(folder, name));
}

/**
 * --baseline-set: the reference set of expected-gradients, an .npy [M, ...] (or one input) or a
 * folder whose .npy, .npz and image files are read as inputs are, in name order, and stacked.
 */
export function loadBaselineSet(path: string, settings: InputSettings, modelShape: Parameters<typeof loadInput>[2]): Tensor {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`--baseline-set ${path}: no such file or folder`);
  }
  const files = isFolder ? baselineSetFiles(path) : [path];
  if (files.length === 0) throw new UsageError(`--baseline-set ${path}: the folder holds no .npy, .npz or image file`);
  // The image options are the input's; an array reference is taken as it is.
  const loaded = files.map((file) => loadInput(file, { ...settings, imageOptions: [] }, modelShape ? [null, ...modelShape.slice(1)] : modelShape).tensor);
  const point = (loaded[0] as Tensor).shape.slice(1);
  for (const [k, t] of loaded.entries()) {
    if (t.shape.slice(1).join(',') !== point.join(','))
      throw new UsageError(
        `--baseline-set: ${files[k] as string} has points of shape [${t.shape.slice(1).join(', ')}], the first file's are [${point.join(', ')}]`,
      );
  }
  const count = loaded.reduce((n, t) => n + (t.shape[0] as number), 0);
  const data = new Float32Array(loaded.reduce((n, t) => n + t.data.length, 0));
  let offset = 0;
  for (const t of loaded) {
    data.set(t.data, offset);
    offset += t.data.length;
  }
  return { data, shape: [count, ...point] };
}
