/**
 * An ONNX model whose weights sit in side files (external data, `model.onnx.data`): the dropped
 * side files are read into the model, so the worker gets one self-contained model.
 */
import { ExternalDataError, externalLocation, externalTensors, inlineExternalData as inlineFrom, type onnx } from '@ig/onnx';
import { ModelInputError } from './errors.js';

/** A dropped file has no folder: a location is matched by its last path segment. */
const fileName = (location: string): string => location.split('/').pop() ?? '';

/** `model` with every external tensor's data read from `files` (by file name); undefined when none is external. */
export async function inlineExternalData(model: onnx.ModelProto, name: string, files: readonly File[]): Promise<onnx.ModelProto | undefined> {
  const external = externalTensors(model);
  if (external.length === 0) return undefined;
  const locations = new Set(external.map((t) => fileName(externalLocation(t) ?? '')));
  const missing = [...locations].filter((location) => !files.some((f) => f.name === location));
  if (missing.length > 0)
    throw new ModelInputError(
      `${name} keeps its weights in ${missing.map((m) => `'${m}'`).join(', ')}; drop ${missing.length > 1 ? 'them' : 'it'} together with ${name}`,
    );
  try {
    return await inlineFrom(model, async (location) => new Uint8Array(await (files.find((f) => f.name === fileName(location)) as File).arrayBuffer()));
  } catch (error) {
    if (error instanceof ExternalDataError) throw new ModelInputError(`${name}: ${error.message}`);
    throw error;
  }
}
