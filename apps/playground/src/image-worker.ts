/** The image worker: decodes a dropped picture and resizes it to the model's size, off the page's thread. */
import { resizeBilinear } from '@ig/core';
import { decodeImageFile } from './image.js';
import type { ImageReply, ImageRequest } from './image-protocol.js';

self.onmessage = async (event: MessageEvent<ImageRequest>): Promise<void> => {
  const { id, blob, width, height } = event.data;
  let reply: ImageReply;
  try {
    const image = resizeBilinear(await decodeImageFile(blob), width, height);
    reply = { id, image };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(reply, { transfer: 'image' in reply ? [reply.image.data.buffer] : [] });
};
