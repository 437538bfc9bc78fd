/** The class probabilities of a model's output: softmax of logits, or the output as it is where it already is a distribution. */

/** How far from 1 the sum of an output may be and still count as the model's own softmax (float32 rounding over many classes). */
const SUMS_TO_ONE = 1e-4;

export function classProbabilities(output: Float32Array): Float64Array {
  let sum = 0;
  let inUnitRange = true;
  for (const v of output) {
    sum += v;
    inUnitRange &&= v >= 0 && v <= 1;
  }
  if (inUnitRange && Math.abs(sum - 1) <= SUMS_TO_ONE) return Float64Array.from(output);
  const max = output.reduce((m, v) => Math.max(m, v), -Infinity);
  const exps = Float64Array.from(output, (v) => Math.exp(v - max));
  const total = exps.reduce((s, v) => s + v, 0);
  return exps.map((v) => v / total);
}

export interface RankedClass {
  readonly index: number;
  readonly probability: number;
}

/** Classes by probability, highest first. */
export function rankClasses(probabilities: ArrayLike<number>): RankedClass[] {
  return Array.from(probabilities, (probability, index) => ({ index, probability })).sort((a, b) => b.probability - a.probability);
}

/**
 * What the page shows of a model's output at the input: the classes by probability, or, for a
 * model with one output (a regression, a sigmoid), that value and no probability.
 */
export function outputSummary(output: Float32Array): { readonly ranked: readonly RankedClass[]; readonly value?: number } {
  if (output.length === 1) return { ranked: [], value: output[0] as number };
  return { ranked: rankClasses(classProbabilities(output)) };
}
