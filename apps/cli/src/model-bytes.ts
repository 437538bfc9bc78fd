import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileFormatError } from './errors.js';
import { readUserFile } from './files.js';
import { importOnnx, type OnnxNodeModule } from './onnx-module.js';

/**
 * An .onnx file's bytes, with the external data files it names (large exported models keep their
 * weights in `model.onnx.data` or one file per tensor, next to the model) read in, since
 * onnxruntime cannot find them for a model given as bytes.
 */
export async function readModelBytes(path: string, provider = 'cpu'): Promise<Uint8Array> {
  const bytes = new Uint8Array(readUserFile(path, 'model'));
  const module: Pick<OnnxNodeModule, 'mayHaveExternalData' | 'inlineExternalData' | 'encodeModel'> = await importOnnx(provider);
  if (!module.mayHaveExternalData(bytes)) return bytes;
  try {
    return module.encodeModel(await module.inlineExternalData(bytes, (file) => readFileSync(join(dirname(path), file))));
  } catch (error) {
    throw new FileFormatError(path, (error as Error).message, { cause: error });
  }
}
