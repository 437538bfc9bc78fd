import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { fixture, readFloat32Npy } from './helpers.js';

/** One Captum reference case (fixtures/captum-cases.json, from the reference manifest). */
export interface CaptumCase {
  id: string;
  model: string;
  input_file: string;
  baseline_file: string;
  target: number | number[];
  method: string;
  n_steps: number;
  attribution_file: string;
  delta: number;
  tolerance: { attr_max_abs_err: number; sum_abs_err: number; delta_abs_err: number };
}

export const captumCases = (JSON.parse(readFileSync(fixture('captum-cases.json'), 'utf8')) as { cases: CaptumCase[] }).cases;

export const methodName = (m: string): string => (m === 'gausslegendre' ? 'gauss-legendre' : m.replace('_', '-'));

/** Captum's trapezoid steps sum to (n − 1)/n; the true trapezoid rule's attributions are n/(n − 1) of Captum's. */
export const captumScale = (c: CaptumCase): number => (c.method === 'riemann_trapezoid' ? c.n_steps / (c.n_steps - 1) : 1);

/** Attributions written by the CLI equal Captum's (scaled for trapezoid) within the case's tolerances. */
export function expectMatchesCaptum(got: { data: Float32Array; shape: readonly number[] }, c: CaptumCase): void {
  const want = readFloat32Npy(fixture(c.attribution_file));
  expect(got.shape).toEqual(want.shape);
  const scale = captumScale(c);
  let maxErr = 0;
  let sumGot = 0;
  let sumWant = 0;
  want.data.forEach((w, i) => {
    maxErr = Math.max(maxErr, Math.abs((got.data[i] as number) - w * scale));
    sumGot += got.data[i] as number;
    sumWant += w * scale;
  });
  expect(maxErr).toBeLessThanOrEqual(c.tolerance.attr_max_abs_err * scale);
  expect(Math.abs(sumGot - sumWant)).toBeLessThanOrEqual(c.tolerance.sum_abs_err * scale);
}
