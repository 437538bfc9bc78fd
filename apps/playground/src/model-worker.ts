/**
 * The model worker: decodes a dropped `.onnx`, reads its external data into it and checks its input
 * and classes, off the page's thread (a 45 MB model takes the main thread for seconds).
 */
import type { ModelCheckReply, ModelCheckRequest } from './model-protocol.js';
import { readDroppedOnnx } from './user-onnx.js';

self.onmessage = async (event: MessageEvent<ModelCheckRequest>): Promise<void> => {
  const { id, file, others } = event.data;
  let reply: ModelCheckReply;
  try {
    const { bytes, input, classes, outputs } = await readDroppedOnnx(file, others);
    reply = { id, bytes, input, classes, outputs };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    reply = { id, error: error instanceof Error ? error.message : String(error), code: typeof code === 'string' ? code : undefined };
  }
  self.postMessage(reply, { transfer: 'bytes' in reply ? [reply.bytes] : [] });
};
