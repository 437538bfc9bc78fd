import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Where Debian's dataset-fashion-mnist package puts the idx files. */
export const DATASET_DIR = '/usr/share/datasets/fashion-mnist';

export const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

export interface Split {
  /** `count × 28 × 28` grey levels 0–255. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

function readIdx(path: string, magic: number): { dims: number[]; body: Uint8Array } {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${path}: not an idx file with magic ${magic}`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, body: bytes.subarray(4 + 4 * rank) };
}

export function loadSplit(split: 'train' | 't10k', dir = DATASET_DIR): Split {
  const images = readIdx(`${dir}/${split}-images-idx3-ubyte.gz`, 0x803);
  const labels = readIdx(`${dir}/${split}-labels-idx1-ubyte.gz`, 0x801);
  const count = images.dims[0] as number;
  if (labels.dims[0] !== count) throw new Error(`${split}: ${count} images but ${String(labels.dims[0])} labels`);
  return { images: images.body, labels: labels.body, count };
}
