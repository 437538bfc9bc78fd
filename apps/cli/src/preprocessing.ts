import { GREY_WEIGHTS } from '@ig/core';
import type { Layout, Normalization, Rgba } from './image.js';

/** One step from the file to the model input, in the order applied. */
export type PreprocessingStep =
  | { readonly op: 'orient'; readonly exifOrientation: number; readonly from: readonly [number, number]; readonly to: readonly [number, number] }
  | { readonly op: 'drop-alpha'; readonly transparentPixels: number }
  | {
      readonly op: 'resize';
      readonly from: readonly [number, number];
      readonly to: readonly [number, number];
      readonly filter: 'bilinear';
      readonly reason: string;
    }
  | { readonly op: 'grey'; readonly from: 'rgb'; readonly weights: readonly number[] }
  | { readonly op: 'scale'; readonly divide: 255 }
  | { readonly op: 'normalize'; readonly mean: readonly number[]; readonly std: readonly number[] }
  | { readonly op: 'add-batch-axis'; readonly from: readonly number[]; readonly to: readonly number[] }
  | { readonly op: 'drop-leading-axis'; readonly from: readonly number[]; readonly to: readonly number[] };

/** What the input file was, what the model takes, and every step in between (report.json's `preprocessing`). */
export interface Preprocessing {
  readonly file: string;
  readonly kind: 'image' | 'npy';
  /** Images: width × height as decoded, and whether any pixel has colour (R, G, B not all equal). */
  readonly originalSize?: { readonly width: number; readonly height: number };
  readonly originalColour?: 'rgb' | 'grey';
  /** .npy inputs: the array's shape in the file. */
  readonly originalShape?: readonly number[];
  /** The model's declared input shape (null for a dynamic dimension), when the model declares it. */
  readonly modelInputShape: readonly (number | null)[] | null;
  /** The shape of the tensor given to the model. */
  readonly inputShape: readonly number[];
  readonly layout: Layout;
  readonly steps: readonly PreprocessingStep[];
}

/** Whether any pixel of the image has colour; a grey PNG decodes to R = G = B. */
export function hasColour(image: Rgba): boolean {
  const d = image.data;
  for (let o = 0; o < d.length; o += 4) if (d[o] !== d[o + 1] || d[o] !== d[o + 2]) return true;
  return false;
}

/** Pixels whose alpha is below 255. */
export function transparentPixels(image: Rgba): number {
  let count = 0;
  for (let o = 3; o < image.data.length; o += 4) if ((image.data[o] as number) < 255) count++;
  return count;
}

export interface ImagePreprocessingFacts {
  readonly file: string;
  /** Upright, with the EXIF orientation (1: as stored) it was turned by. */
  readonly decoded: Rgba & { readonly orientation: number };
  readonly size: { width: number; height: number } | null;
  readonly sizeFrom: '--size' | 'the model input';
  readonly channels: 1 | 3;
  readonly normalization: Normalization;
  readonly modelInputShape: readonly (number | null)[] | null;
  readonly inputShape: readonly number[];
  readonly layout: Layout;
}

/** The record of an image input's preprocessing, in the order `loadInput` applies it. */
export function imagePreprocessing(facts: ImagePreprocessingFacts): Preprocessing {
  const { decoded, size, normalization } = facts;
  const colour = hasColour(decoded) ? 'rgb' : 'grey';
  const steps: PreprocessingStep[] = [];
  if (decoded.orientation !== 1) {
    const stored: [number, number] = decoded.orientation >= 5 ? [decoded.height, decoded.width] : [decoded.width, decoded.height];
    steps.push({ op: 'orient', exifOrientation: decoded.orientation, from: stored, to: [decoded.width, decoded.height] });
  }
  const transparent = transparentPixels(decoded);
  if (transparent > 0) steps.push({ op: 'drop-alpha', transparentPixels: transparent });
  if (size && (size.width !== decoded.width || size.height !== decoded.height)) {
    steps.push({ op: 'resize', from: [decoded.width, decoded.height], to: [size.width, size.height], filter: 'bilinear', reason: facts.sizeFrom });
  }
  if (facts.channels === 1) steps.push({ op: 'grey', from: 'rgb', weights: [...GREY_WEIGHTS] });
  steps.push({ op: 'scale', divide: 255 });
  const channels = facts.channels;
  const mean = normalization.mean.slice(0, channels);
  const std = normalization.std.slice(0, channels);
  if (mean.some((m) => m !== 0) || std.some((s) => s !== 1)) steps.push({ op: 'normalize', mean, std });
  return {
    file: facts.file,
    kind: 'image',
    originalSize: { width: decoded.width, height: decoded.height },
    originalColour: colour,
    modelInputShape: facts.modelInputShape,
    inputShape: facts.inputShape,
    layout: facts.layout,
    steps,
  };
}

export function npyPreprocessing(
  file: string,
  originalShape: readonly number[],
  inputShape: readonly number[],
  modelInputShape: readonly (number | null)[] | null,
  layout: Layout,
): Preprocessing {
  const steps: PreprocessingStep[] =
    originalShape.length === inputShape.length
      ? []
      : [{ op: originalShape.length < inputShape.length ? 'add-batch-axis' : 'drop-leading-axis', from: originalShape, to: inputShape }];
  return { file, kind: 'npy', originalShape, modelInputShape, inputShape, layout, steps };
}

const shapeText = (shape: readonly (number | null)[]): string => `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/**
 * One line for stderr when the picture the model sees differs from the file: turned upright by its
 * EXIF orientation, transparency dropped, resized, or a colour image turned grey. null when none happened.
 */
export function preprocessingNote(p: Preprocessing): string | null {
  if (p.kind !== 'image' || !p.originalSize) return null;
  const resize = p.steps.find((s) => s.op === 'resize');
  const toGrey = p.originalColour === 'rgb' && p.steps.some((s) => s.op === 'grey');
  const orient = p.steps.find((s) => s.op === 'orient');
  const alpha = p.steps.find((s) => s.op === 'drop-alpha');
  if (!resize && !toGrey && !orient && !alpha) return null;
  const what = [
    ...(orient ? [`turned upright by its EXIF orientation ${orient.exifOrientation} (${orient.from[0]}×${orient.from[1]} stored)`] : []),
    ...(alpha ? [`taken without its alpha channel (${alpha.transparentPixels} pixels not opaque; the model sees their RGB values)`] : []),
    ...(resize ? [`resized from ${resize.from[0]}×${resize.from[1]} to ${resize.to[0]}×${resize.to[1]}`] : []),
    ...(toGrey ? ['converted from colour to grey'] : []),
  ].join(' and ');
  return `note: ${p.file} was ${what} for the model input ${shapeText(p.inputShape)}`;
}
