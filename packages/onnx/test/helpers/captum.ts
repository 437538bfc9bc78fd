import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fixturesDir } from './fixtures.js';
import { readNpy } from './npy.js';

/** One case of the Captum manifest (test/fixtures/captum/manifest.json). */
export interface CaptumCase {
  readonly id: string;
  readonly model: string;
  readonly model_file: string;
  readonly algorithm: string;
  readonly input_file: string;
  readonly baseline_file: string;
  readonly attribution_file: string;
  readonly target: number | number[];
  readonly method: string;
  readonly n_steps: number;
  readonly delta?: number | number[];
  readonly tolerance: { attr_max_abs_err: number; sum_abs_err: number; delta_abs_err?: number };
}

export const captumRoot = join(fixturesDir, 'captum');
const manifest = JSON.parse(readFileSync(join(captumRoot, 'manifest.json'), 'utf8')) as { cases: CaptumCase[] };
const rules = (JSON.parse(readFileSync(join(captumRoot, 'integration_rules.json'), 'utf8')) as {
  rules: Record<string, { alphas: number[]; step_sizes: number[] }>;
}).rules;

/** The plain Integrated Gradients cases. */
export const captumCases = manifest.cases.filter((c) => c.algorithm === 'IntegratedGradients');

export function captumCase(id: string): CaptumCase {
  const found = captumCases.find((c) => c.id === id);
  if (!found) throw new Error(`no Captum case ${id}`);
  return found;
}

export function modelBytes(c: CaptumCase): Uint8Array {
  return new Uint8Array(readFileSync(join(captumRoot, c.model_file)));
}

export interface CaptumData {
  readonly input: { data: Float32Array; shape: number[] };
  readonly baseline: { data: Float32Array; shape: number[] };
  readonly expected: Float32Array;
  /** Captum's exact alphas and step sizes for the case's method and step count. */
  readonly rule: { alphas: number[]; weights: number[] };
}

export function loadCase(c: CaptumCase): CaptumData {
  const rule = rules[`${c.method}_${c.n_steps}`];
  if (!rule) throw new Error(`no integration rule for ${c.method}_${c.n_steps}`);
  return {
    input: readNpy(join(captumRoot, c.input_file)),
    baseline: readNpy(join(captumRoot, c.baseline_file)),
    expected: readNpy(join(captumRoot, c.attribution_file)).data,
    rule: { alphas: rule.alphas, weights: rule.step_sizes },
  };
}

export interface Deviation {
  /** max |attribution − Captum's|. */
  readonly maxError: number;
  /** |Σ attribution − Σ Captum's|. */
  readonly sumError: number;
  /** max |delta − Captum's delta| over the examples, when compared. */
  readonly deltaError?: number;
}

/**
 * Asserts the case's tolerances: the largest attribution error, the error of the attribution sum
 * and, when `deltas` (the convergence deltas of each example) are given and the case has them,
 * the deltas. Returns the deviations found.
 */
export function expectCaptumParity(c: CaptumCase, attribution: ArrayLike<number>, deltas?: readonly number[]): Deviation {
  const expected = loadCase(c).expected;
  expect(attribution.length).toBe(expected.length);
  let maxError = 0;
  let sum = 0;
  let expectedSum = 0;
  for (let i = 0; i < attribution.length; i++) {
    maxError = Math.max(maxError, Math.abs((attribution[i] as number) - (expected[i] as number)));
    sum += attribution[i] as number;
    expectedSum += expected[i] as number;
  }
  const sumError = Math.abs(sum - expectedSum);
  expect(maxError).toBeLessThanOrEqual(c.tolerance.attr_max_abs_err);
  expect(sumError).toBeLessThanOrEqual(c.tolerance.sum_abs_err);
  if (deltas === undefined || c.delta === undefined || c.tolerance.delta_abs_err === undefined) return { maxError, sumError };
  const captumDeltas = Array.isArray(c.delta) ? c.delta : [c.delta];
  expect(deltas.length).toBe(captumDeltas.length);
  const deltaError = Math.max(...deltas.map((d, i) => Math.abs(d - (captumDeltas[i] as number))));
  expect(deltaError).toBeLessThanOrEqual(c.tolerance.delta_abs_err);
  return { maxError, sumError, deltaError };
}
