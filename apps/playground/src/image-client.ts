/** The page's side of the image worker: a picture decoded and resized without blocking the page. */
import type { RgbaImage } from '@ig/core';
import { ModelInputError } from './errors.js';
import type { ImageReply, ImageRequest } from './image-protocol.js';

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, (reply: ImageReply) => void>();

function imageWorker(): Worker {
  if (worker !== undefined) return worker;
  worker = new Worker(new URL('./image-worker.ts', import.meta.url), { type: 'module', name: 'ig-image' });
  worker.onmessage = (event: MessageEvent<ImageReply>) => {
    pending.get(event.data.id)?.(event.data);
    pending.delete(event.data.id);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    for (const [id, resolve] of pending) resolve({ id, error: event.message || 'the image worker failed' });
    pending.clear();
  };
  return worker;
}

/** The picture in `blob` (named `name` in errors), decoded and resized to width × height (bilinear, as the CLI). */
export function decodeResized(blob: Blob, name: string, width: number, height: number): Promise<RgbaImage> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, (reply) => {
      if ('image' in reply) resolve(reply.image);
      else reject(new ModelInputError(`${name} cannot be read as a picture (PNG, JPEG, WebP, GIF or BMP): ${reply.error}`));
    });
    const request: ImageRequest = { id, blob, width, height };
    imageWorker().postMessage(request);
  });
}
