/**
 * An ONNX model whose weights sit in side files (external data, `model.onnx.data`): the dropped
 * side files are read into the model, so the worker gets one self-contained model.
 */
import { onnx } from '@ig/onnx';
import { ModelInputError } from './errors.js';

/** Puts every external tensor's data into `model` (in place) from `files` (by file name); false when none is external. */
export async function inlineExternalData(model: onnx.ModelProto, name: string, files: readonly File[]): Promise<boolean> {
  const external = (model.graph?.initializer ?? []).filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
  if (external.length === 0) return false;
  const entry = (tensor: (typeof external)[number], key: string): string | undefined =>
    (tensor.externalData ?? []).find((e) => e.key === key)?.value ?? undefined;
  const locations = [...new Set(external.map((t) => (entry(t, 'location') ?? '').split('/').pop() ?? ''))];
  const missing = locations.filter((location) => !files.some((f) => f.name === location));
  if (missing.length > 0)
    throw new ModelInputError(
      `${name} keeps its weights in ${missing.map((m) => `'${m}'`).join(', ')}; drop ${missing.length > 1 ? 'them' : 'it'} together with ${name}`,
    );
  const contents = new Map(
    await Promise.all(
      locations.map(async (location) => [location, new Uint8Array(await (files.find((f) => f.name === location) as File).arrayBuffer())] as const),
    ),
  );
  for (const tensor of external) {
    const location = (entry(tensor, 'location') ?? '').split('/').pop() ?? '';
    const data = contents.get(location) as Uint8Array;
    const offset = Number(entry(tensor, 'offset') ?? 0);
    const length = Number(entry(tensor, 'length') ?? data.length - offset);
    if (offset + length > data.length)
      throw new ModelInputError(`${name}: tensor '${tensor.name}' needs bytes ${offset}…${offset + length} of '${location}', which has ${data.length}`);
    tensor.rawData = data.slice(offset, offset + length);
    tensor.externalData = [];
    tensor.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
  }
  return true;
}
