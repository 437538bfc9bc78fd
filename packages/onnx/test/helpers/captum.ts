import { captumCases as allCases, captumModelBytes, loadCaptumCase, type CaptumCase, type CaptumCaseData } from '@ig/test-fixtures';
import { expect } from 'vitest';

export { captumCase, type CaptumCase } from '@ig/test-fixtures';

/** The plain Integrated Gradients cases of the Captum manifest (@ig/test-fixtures). */
export const captumCases = allCases();

export const modelBytes = (c: CaptumCase): Uint8Array => captumModelBytes(c.model);

/** A case's input, baseline, Captum's attribution and Captum's exact alphas and step sizes. */
export const loadCase = (c: CaptumCase): CaptumCaseData => loadCaptumCase(c);

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
  if (deviation.deltaError !== undefined && bounds.delta !== undefined)
    expect(deviation.deltaError, 'max |delta − Captum delta|').toBeLessThanOrEqual(bounds.delta);
  return deviation;
}
