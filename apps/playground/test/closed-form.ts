/**
 * The models of scripts/make_closed_form_models.py, computed here from their formulas: each takes
 * a [1, 3, 8, 8] picture x and is a function of m = mean(x), so its outputs, and its attributions
 * from the zero baseline, are known exactly.
 */
import type { Page } from 'playwright-core';
import { colourPng, fixture, type DroppedFile } from './user-files.js';
import { waitForRun, type PageRun } from './page-result.js';

const mean = (x: readonly number[]): number => x.reduce((s, v) => s + v, 0) / x.length;

/** mean-linear-a.onnx and mean-linear-b.onnx: logits A·m + B. */
export const LINEAR = {
  a: { scale: [1, 0, -1], bias: [0.5, 0, 0] },
  b: { scale: [-1, 0, 2], bias: [0, 0.3, 0] },
} as const;

export function linearLogits(which: keyof typeof LINEAR, input: readonly number[]): number[] {
  const { scale, bias } = LINEAR[which];
  const m = mean(input);
  return scale.map((a, k) => a * m + (bias[k] as number));
}

/** mean-sigmoid.onnx: sigmoid(2m − 1). */
export const sigmoidOutput = (input: readonly number[]): number => 1 / (1 + Math.exp(-(2 * mean(input) - 1)));

/** mean-regress-n.onnx and mean-regress-scalar.onnx: 3m − 0.5, so from zero each pixel's attribution is 3·xᵢ / n. */
export const regressionOutput = (input: readonly number[]): number => 3 * mean(input) - 0.5;
export const regressionAttributions = (input: readonly number[]): number[] => input.map((v) => (3 * v) / input.length);

export const argmax = (values: readonly number[]): number => values.indexOf(Math.max(...values));

/** An 8×8 picture (the models' size, so it is not resized) and one of the models under another name. */
export const picture = (name = 'picture.png'): DroppedFile => ({ name, mimeType: 'image/png', buffer: colourPng(8, 8) });
export const model = (file: string, name = file): DroppedFile => ({ ...fixture(file), name });

/** Clicks Explain and waits for the run's end. */
export async function explain(page: Page): Promise<PageRun> {
  await page.click('#run');
  return waitForRun(page);
}

/** The page's uncaught errors, collected from now on. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  return errors;
}
