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

/** Absolute bounds on the three deviations. */
export interface ParityTolerance {
  readonly attr: number;
  readonly sum: number;
  readonly delta?: number;
}

/** The deviations of an attribution (and the deltas of each example, when given) from Captum's. */
export function captumDeviation(c: CaptumCase, attribution: ArrayLike<number>, deltas?: readonly number[]): Deviation {
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
  if (deltas === undefined || c.delta === undefined) return { maxError, sumError };
  const captumDeltas = Array.isArray(c.delta) ? c.delta : [c.delta];
  expect(deltas.length).toBe(captumDeltas.length);
  return { maxError, sumError, deltaError: Math.max(...deltas.map((d, i) => Math.abs(d - (captumDeltas[i] as number)))) };
}

/** max |Captum's attribution| and Σ |Captum's attribution|: the scales of the measured tolerances. */
export function captumScales(c: CaptumCase): { max: number; l1: number } {
  const expected = loadCase(c).expected;
  let max = 0;
  let l1 = 0;
  for (const v of expected) {
    max = Math.max(max, Math.abs(v));
    l1 += Math.abs(v);
  }
  return { max, l1 };
}

/**
 * Asserts the tolerances, by default the manifest's (`tolerance.*`, bounds any float32
 * reimplementation should meet): the largest attribution error, the error of the attribution sum
 * and, when `deltas` (the convergence deltas of each example) are given and the case has them,
 * the deltas. Returns the deviations found.
 */
export function expectCaptumParity(c: CaptumCase, attribution: ArrayLike<number>, deltas?: readonly number[], tolerance?: ParityTolerance): Deviation {
  const bounds = tolerance ?? { attr: c.tolerance.attr_max_abs_err, sum: c.tolerance.sum_abs_err, delta: c.tolerance.delta_abs_err };
  const deviation = captumDeviation(c, attribution, deltas);
  expect(deviation.maxError, 'max |attribution − Captum|').toBeLessThanOrEqual(bounds.attr);
  expect(deviation.sumError, '|Σ attribution − Σ Captum|').toBeLessThanOrEqual(bounds.sum);
  if (deviation.deltaError !== undefined && bounds.delta !== undefined) expect(deviation.deltaError, 'max |delta − Captum delta|').toBeLessThanOrEqual(bounds.delta);
  return deviation;
}
