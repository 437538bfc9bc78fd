/** Files a person drops on the playground: their own models and pictures, made here or read from test/fixtures. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import type { JSHandle, Page } from 'playwright-core';
import { imageToTensor, integratedGradients, resizeBilinear, tensor, type ImageTensorSpec } from '@ig/core';
import { decodeImage } from '@ig/cli';
import { onnxBackend } from '@ig/onnx/node';
import * as ort from 'onnxruntime-node';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface DroppedFile {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

export function fixture(name: string): DroppedFile {
  return { name, mimeType: 'application/octet-stream', buffer: readFileSync(`${FIXTURES}${name}`) };
}

/**
 * A width×height picture: colour gradients, a bright disc and seeded noise (±8 levels), so that no
 * two neighbours tie (a max-pool's gradient at a tie is the backend's choice); `alpha(x, y)` gives
 * its alpha (255 when absent), `colorType` the PNG's (0 grey, 2 RGB, 4 grey + alpha, 6 RGBA).
 */
export function colourPng(width: number, height: number, options: { alpha?: (x: number, y: number) => number; colorType?: 0 | 2 | 4 | 6 } = {}): Buffer {
  const colorType = options.colorType ?? 6;
  const png = new PNG({ width, height, colorType, inputHasAlpha: true });
  let seed = 12345;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed % 17) - 8;
  };
  const level = (v: number): number => Math.min(255, Math.max(0, Math.round(v + noise())));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      const disc = (x - width / 3) ** 2 + (y - height / 2) ** 2 < (height / 4) ** 2;
      png.data[at] = level(disc ? 230 : (255 * x) / width);
      png.data[at + 1] = level(disc ? 210 : (255 * y) / height);
      png.data[at + 2] = level(disc ? 30 : (255 * (x + y)) / (width + height));
      png.data[at + 3] = options.alpha?.(x, y) ?? 255;
    }
  }
  return PNG.sync.write(png, { colorType, inputHasAlpha: true });
}

/** A width×height JPEG (quality 90) of smooth colour gradients, encoded with the CLI's own jpeg-js. */
export function largeJpeg(width: number, height: number): Buffer {
  const jpeg = createRequire(fileURLToPath(new URL('../../cli/package.json', import.meta.url)))('jpeg-js') as {
    encode(image: { data: Uint8Array; width: number; height: number }, quality: number): { data: Buffer };
  };
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      data[at] = (255 * x) / width;
      data[at + 1] = (255 * y) / height;
      data[at + 2] = 128 + 100 * Math.sin((x + y) / 150);
      data[at + 3] = 255;
    }
  }
  return jpeg.encode({ data, width, height }, 90).data;
}

/** The files as a DataTransfer in the page, ready to drop (made before the drop, so their copying is not the page's work). */
export function filesInPage(page: Page, files: readonly DroppedFile[]): Promise<JSHandle<DataTransfer>> {
  return page.evaluateHandle(
    (list) => {
      const transfer = new DataTransfer();
      for (const file of list) transfer.items.add(new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name, { type: file.type }));
      return transfer;
    },
    files.map((f) => ({ name: f.name, type: f.mimeType, base64: f.buffer.toString('base64') })),
  );
}

/** Drops the files on the drop zone at once and waits until the page has handled them. */
export async function dropInPage(page: Page, transfer: JSHandle<DataTransfer>): Promise<void> {
  const before = await page.evaluate(() => Number(document.body.dataset.igDrops ?? 0));
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
  await page.waitForFunction((n) => Number(document.body.dataset.igDrops ?? 0) > n, before, { timeout: 60_000, polling: 50 });
}

/** A multi-file drop on the drop zone, handled. */
export async function dropFiles(page: Page, files: readonly DroppedFile[]): Promise<void> {
  await dropInPage(page, await filesInPage(page, files));
}

/** An image file as `ig explain` reads it: decoded, resized to the model's size, pixel / 255, no normalization. */
export function cliInput(bytes: Buffer, spec: { width: number; height: number } & Pick<ImageTensorSpec, 'channels' | 'layout'>): Float32Array {
  const image = resizeBilinear(decodeImage(bytes, 'dropped'), spec.width, spec.height);
  return imageToTensor(image, { channels: spec.channels, layout: spec.layout, mean: [0], std: [1] }).data;
}

/** IG on onnxruntime-node with the page's defaults: zero baseline, the default rule, `steps` points; of `output` (default the first). */
export async function nodeOnnx(model: string, input: Float32Array, shape: readonly number[], target: number, steps: number, output?: string) {
  const backend = await onnxBackend(readFileSync(`${FIXTURES}${model}`), output === undefined ? {} : { output });
  try {
    const result = await integratedGradients(backend, tensor(input, [...shape]), { target, steps, baselines: 0 });
    const report = result.reports[0];
    return {
      attributions: result.attributions[0]?.data as Float32Array,
      fInput: report?.fInput ?? NaN,
      fBaseline: report?.fBaseline ?? NaN,
      relativeError: report?.relativeError ?? NaN,
    };
  } finally {
    await backend.dispose();
  }
}

/** The model's first output for one input on onnxruntime-node (plain inference, no gradient graph). */
export async function nodeForward(model: string, input: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(`${FIXTURES}${model}`);
  try {
    const outputs = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', input, [...shape]) });
    return outputs[session.outputNames[0] as string]?.data as Float32Array;
  } finally {
    await session.release();
  }
}
