import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy, toFloat32 } from '../src/npy.js';
import { fixture } from './helpers.js';

/*
 * The commands on the file variants of test/fixtures/files (make_files.py). The models are linear,
 * logits = W · flatten(x) on [N, 3, 12, 20] (and [N, 3, 20, 12]), so IG from a zero baseline is
 * x · W[target] exactly: dividing the attributions by W gives back the input tensor the CLI built,
 * compared with Pillow's pixels / 255.
 */
export const files = (name: string): string => fixture('files', name);
export const weightRow = (model: string): Float32Array => toFloat32(parseNpy(readFileSync(files(`${model}.weight.npy`)))).subarray(0, 720);

/** Pixels (0–255, [C, H, W] order) the attributions imply: attribution / W[0] · 255. */
export const impliedPixels = (attributions: Float32Array, model: string): number[] => {
  const w = weightRow(model);
  return Array.from(attributions, (a, i) => (a / (w[i] as number)) * 255);
};

/** Pillow's RGB pixels of an image fixture in [C, H, W] order. */
export const pilPixels = (name: string): number[] => {
  const { data, shape } = parseNpy(readFileSync(files(`${name}.pil.npy`)));
  const [h, w] = shape as [number, number];
  return Array.from({ length: 3 * h * w }, (_, i) => data[(i % (h * w)) * 3 + Math.floor(i / (h * w))] as number);
};

export const maxDifference = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

/** Σ x · W[0] over Pillow's pixels: F(x) of target 0. */
export const logit = (name: string, model: string): number => {
  const w = weightRow(model);
  return pilPixels(name).reduce((sum, v, i) => sum + (v / 255) * (w[i] as number), 0);
};

/** A new folder `name` in `dir` holding copies of fixture files under new names (name → fixture). */
export function folderOf(dir: string, name: string, copies: Readonly<Record<string, string>>): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (const [copy, fixtureName] of Object.entries(copies)) copyFileSync(files(fixtureName), join(folder, copy));
  return folder;
}

/** The PNG fixtures stored upright at 20×12 with 8 bits or fewer: interlaced, grey, alpha, palettes, 1 bit, gAMA, and a PNG named .jpg. */
export const PNG_VARIANTS = [
  'rgb8.png',
  'rgb8_adam7.png',
  'grey8.png',
  'grey_alpha.png',
  'rgba_partial.png',
  'palette.png',
  'palette4.png',
  'palette_trns.png',
  'bilevel.png',
  'gamma.png',
  'png_named.jpg',
];
