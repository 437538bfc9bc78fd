/** The page's side of the image worker: a picture decoded and resized without blocking the page. */
import type { RgbaImage } from '@ig/core';
import { ModelInputError } from './errors.js';
import type { ImageReply, ImageRequest } from './image-protocol.js';
import { requestWorker } from './request-worker.js';

const send = requestWorker<ImageRequest, ImageReply>(
  () => new Worker(new URL('./image-worker.ts', import.meta.url), { type: 'module', name: 'ig-image' }),
  (id, message) => ({ id, error: message || 'the image worker failed' }),
);

/** The picture in `blob` (named `name` in errors), decoded and resized to width × height (bilinear, as the CLI). */
export async function decodeResized(blob: Blob, name: string, width: number, height: number): Promise<RgbaImage> {
  const reply = await send({ blob, width, height });
  if ('image' in reply) return reply.image;
  throw new ModelInputError(`${name} cannot be read as a picture (PNG, JPEG, WebP, GIF or BMP): ${reply.error}`);
}
