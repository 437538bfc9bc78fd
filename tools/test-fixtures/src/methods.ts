import { join } from 'node:path';
import { readNpy, type NpyArray } from './npy.js';
import { CAPTUM_METHODS_DIR, readJson, type CaptumModel } from './paths.js';

/** One case of Captum's other gradient methods (captum-methods/manifest.json). */
export interface CaptumMethodCase {
  readonly id: string;
  readonly model: CaptumModel;
  readonly method: 'saliency' | 'input_x_gradient' | 'ig_no_multiply_gausslegendre_50';
  /** Relative to the Captum tree (captumPath). */
  readonly input_file: string;
  readonly baseline_file: string;
  readonly target: number;
  /** Relative to captum-methods/ (captumMethodPath). */
  readonly attribution_file: string;
  readonly max_abs: number;
}

export function captumMethodCases(): readonly CaptumMethodCase[] {
  return readJson<{ cases: CaptumMethodCase[] }>(join(CAPTUM_METHODS_DIR, 'manifest.json')).cases;
}

export const captumMethodPath = (file: string): string => join(CAPTUM_METHODS_DIR, file);

/** Captum's attribution for a method case. */
export const captumMethodAttribution = (c: CaptumMethodCase): NpyArray => readNpy(captumMethodPath(c.attribution_file));
