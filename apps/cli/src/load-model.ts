import { FileFormatError, UsageError } from './errors.js';
import type { EngineName, LoadedModel, LoadOptions } from './engines/engine.js';
import { readUserFile } from './files.js';

export { PROVIDERS } from './engines/engine.js';
export type { LoadedModel, LoadOptions, ModelInput, Provider } from './engines/engine.js';

export function engineOf(path: string): EngineName {
  if (/\.onnx$/i.test(path)) return 'onnx';
  if (/\.json$/i.test(path)) return 'tfjs';
  throw new UsageError(`--model ${path}: expected an .onnx file or a TensorFlow.js model.json`);
}

export async function loadModel(path: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const { engine } = engineOf(path) === 'onnx' ? await import('./engines/onnx.js') : await import('./engines/tfjs.js');
  return engine.load(path, options);
}

/** Class names, one per line (or a JSON array), for --labels. */
export function readLabels(path: string): string[] {
  const text = readUserFile(path, 'labels file').toString('utf8').trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch (error) {
      throw new FileFormatError(path, `not a valid JSON labels file: ${(error as Error).message}`);
    }
    if (Array.isArray(parsed) && parsed.every((l) => typeof l === 'string')) return parsed as string[];
    throw new FileFormatError(path, 'a JSON labels file must be an array of strings');
  }
  return text.split(/\r?\n/).map((l) => l.trim());
}
