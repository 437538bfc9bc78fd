/** Messages between the page and the image worker. */
import type { RgbaImage } from '@ig/core';

export interface ImageRequest {
  readonly id: number;
  readonly blob: Blob;
  readonly width: number;
  readonly height: number;
}

export type ImageReply = { readonly id: number; readonly image: RgbaImage } | { readonly id: number; readonly error: string };
