import { UsageError } from './errors.js';
import type { EngineName, LoadedModel, LoadOptions } from './engines/engine.js';

export { PROVIDERS } from './engines/engine.js';
export { readLabels } from './labels-file.js';
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
