import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { onnx } from './proto/generated/onnx.js';
import { fetchModel, inMemoryModel, isFetchable, ModelSourceError, nonEmpty, withExternalData, type ModelSource } from './model-source.js';

/**
 * In Node: a string is a file path (or a URL when it has an http(s):, data: or blob: scheme).
 * External data files a model names are read from its folder.
 */
export async function readModelForNode(source: ModelSource): Promise<Uint8Array | onnx.IModelProto> {
  const inMemory = inMemoryModel(source);
  if (inMemory !== undefined) return inMemory;
  const location = source as string | URL;
  if (isFetchable(location)) return fetchModel(location);
  const path = typeof location === 'string' && !location.startsWith('file:') ? location : fileURLToPath(location);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? `no such file (looked for ${resolve(path)})`
        : code === 'EISDIR'
          ? 'is a folder, not an .onnx file'
          : `could not be read (${(error as Error).message})`;
    throw new ModelSourceError(String(location), problem);
  }
  const model = nonEmpty(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), String(location));
  return withExternalData(model, async (file) => new Uint8Array(await readFile(join(dirname(path), file))));
}
