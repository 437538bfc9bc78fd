/** The page's side of the model worker: a dropped `.onnx` decoded and checked without blocking the page. */
import { ModelInputError } from './errors.js';
import type { ModelCheckReply, ModelCheckRequest } from './model-protocol.js';
import type { OnnxImageModel } from './user-onnx.js';

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, (reply: ModelCheckReply) => void>();

function modelWorker(): Worker {
  if (worker !== undefined) return worker;
  worker = new Worker(new URL('./model-worker.ts', import.meta.url), { type: 'module', name: 'ig-model' });
  worker.onmessage = (event: MessageEvent<ModelCheckReply>) => {
    pending.get(event.data.id)?.(event.data);
    pending.delete(event.data.id);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    for (const [id, resolve] of pending) resolve({ id, error: event.message || 'the model worker failed', code: undefined });
    pending.clear();
  };
  return worker;
}

/** A dropped .onnx (and its external data among `others`), checked: the self-contained bytes for the IG worker, its image input and classes. */
export function checkDroppedOnnx(file: File, others: readonly File[]): Promise<OnnxImageModel & { readonly bytes: ArrayBuffer }> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, (reply) => {
      if ('bytes' in reply) resolve({ bytes: reply.bytes, input: reply.input, classes: reply.classes });
      else reject(reply.code === 'BAD_INPUT' ? new ModelInputError(reply.error) : new Error(`${file.name} could not be checked: ${reply.error}`));
    });
    const request: ModelCheckRequest = { id, file, others };
    modelWorker().postMessage(request);
  });
}
