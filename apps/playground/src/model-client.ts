/** The page's side of the model worker: a dropped `.onnx` decoded and checked without blocking the page. */
import { ModelInputError } from './errors.js';
import type { ModelCheckReply, ModelCheckRequest } from './model-protocol.js';
import { requestWorker } from './request-worker.js';
import type { OnnxImageModel } from './user-onnx.js';

const send = requestWorker<ModelCheckRequest, ModelCheckReply>(
  () => new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module', name: 'ig-model' }),
  (id, message) => ({ id, error: message || 'the model worker failed', code: undefined }),
);

/** A dropped .onnx (and its external data among `others`), checked: the self-contained bytes for the IG worker, its image input, classes and outputs. */
export async function checkDroppedOnnx(file: File, others: readonly File[]): Promise<OnnxImageModel & { readonly bytes: ArrayBuffer }> {
  const reply = await send({ file, others });
  if ('bytes' in reply) return { bytes: reply.bytes, input: reply.input, classes: reply.classes, outputs: reply.outputs };
  throw reply.code === 'BAD_INPUT' ? new ModelInputError(reply.error) : new Error(`${file.name} could not be checked: ${reply.error}`);
}
