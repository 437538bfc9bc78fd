import type { OrtModuleLike } from '../../src/index.js';
import { runtimes } from '../helpers/ort.js';

/** One float32 ulp at 1: the smallest tolerance given to a gradient relative to max(1, max|g|). */
export const ULP = 2 ** -23;

/** 4 × max(measured, ULP), rounded up to one significant digit (so within 8× of the measured deviation). */
export function toleranceFor(measured: number): number {
  if (!Number.isFinite(measured)) throw new Error(`a measured deviation of ${measured} gives no tolerance: the check itself is broken`);
  const x = 4 * Math.max(measured, ULP);
  const power = 10 ** Math.floor(Math.log10(x));
  return Number((Math.ceil(Number((x / power).toPrecision(12))) * power).toPrecision(1));
}

/** Two significant digits, as the tolerance files record measured deviations. */
export const round = (x: number): number => Number(x.toPrecision(2));

/** A model's deviation from its reference: of the input gradient and of the target logit. */
export interface ReferenceDeviation {
  readonly gradient: number;
  readonly logit: number;
}

/**
 * Per model, keyed by `key`: the gradient's deviation on onnxruntime-node and on -web (wasm) and
 * the larger logit deviation, each with its tolerance (toleranceFor).
 */
export async function nodeAndWebTolerances<M extends { readonly key: string }>(
  models: readonly M[],
  deviationOf: (ort: OrtModuleLike, model: M, provider?: string) => Promise<ReferenceDeviation>,
): Promise<Record<string, Record<string, number>>> {
  const cases: Record<string, Record<string, number>> = {};
  for (const model of models) {
    const node = await deviationOf(runtimes.node, model);
    const web = await deviationOf(runtimes.web, model, 'wasm');
    const logit = Math.max(node.logit, web.logit);
    cases[model.key] = {
      deviation: round(node.gradient),
      tolerance: toleranceFor(node.gradient),
      web: round(web.gradient),
      webTolerance: toleranceFor(web.gradient),
      logit: round(logit),
      logitTolerance: toleranceFor(logit),
    };
  }
  return cases;
}
