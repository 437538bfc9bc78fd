import { InvalidOptionError } from '../errors.js';

/**
 * A differentiable function of the model's outputs at one point (xplique's `operator`, alibi's
 * `target_fn`). The core applies the chain rule: a backend differentiates Σⱼ wⱼ·outputⱼ with
 * wⱼ = ∂objective/∂outputⱼ taken at that point, so every backend works unchanged.
 */
export interface Objective {
  readonly name: string;
  /** True when the objective is Σⱼ targetⱼ·outputⱼ itself: the output weights are the target row. */
  readonly linear: boolean;
  /** The objective at outputs `outputs` for the target row `target` (a one-hot class or weights). */
  value(outputs: Float32Array, target: Float32Array): number;
  /** Writes ∂objective/∂outputs into `out` (outputSize values). */
  outputWeights(outputs: Float32Array, target: Float32Array, out: Float32Array): void;
}

export type ObjectiveName = 'logit' | 'probability' | 'log-probability' | 'margin';
export const OBJECTIVES: readonly ObjectiveName[] = ['logit', 'probability', 'log-probability', 'margin'];

function softmax(z: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  const p = new Float64Array(z.length);
  let sum = 0;
  for (let j = 0; j < z.length; j++) sum += p[j] = Math.exp((z[j] as number) - max);
  for (let j = 0; j < z.length; j++) p[j] = (p[j] as number) / sum;
  return p;
}

const logit: Objective = {
  name: 'logit',
  linear: true,
  value: (z, t) => t.reduce((s, w, j) => s + w * (z[j] as number), 0),
  outputWeights: (_z, t, out) => out.set(t),
};

/** Σⱼ tⱼ·softmax(z)ⱼ; ∂/∂zⱼ = pⱼ·(tⱼ − value). */
const probability: Objective = {
  name: 'probability',
  linear: false,
  value: (z, t) => softmax(z).reduce((s, p, j) => s + (t[j] as number) * p, 0),
  outputWeights(z, t, out) {
    const p = softmax(z);
    const v = p.reduce((s, pj, j) => s + (t[j] as number) * pj, 0);
    for (let j = 0; j < out.length; j++) out[j] = (p[j] as number) * ((t[j] as number) - v);
  },
};

/** Σⱼ tⱼ·log softmax(z)ⱼ; ∂/∂zⱼ = tⱼ − pⱼ·Σₖ tₖ. */
const logProbability: Objective = {
  name: 'log-probability',
  linear: false,
  value(z, t) {
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    const lse = max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0));
    return t.reduce((s, w, j) => s + w * ((z[j] as number) - lse), 0);
  },
  outputWeights(z, t, out) {
    const p = softmax(z);
    const total = t.reduce((s, w) => s + w, 0);
    for (let j = 0; j < out.length; j++) out[j] = (t[j] as number) - (p[j] as number) * total;
  },
};

/** Index of the largest output outside the target (where the target row is 0). */
function runnerUp(z: Float32Array, t: Float32Array): number {
  let best = -1;
  for (let j = 0; j < z.length; j++) if (t[j] === 0 && (best < 0 || (z[j] as number) > (z[best] as number))) best = j;
  if (best < 0) throw new InvalidOptionError("objective 'margin' needs an output outside the target to compare with");
  return best;
}

/** Σⱼ tⱼ·zⱼ − max over the other classes: how far the target leads the runner-up at each point. */
const margin: Objective = {
  name: 'margin',
  linear: false,
  value: (z, t) => logit.value(z, t) - (z[runnerUp(z, t)] as number),
  outputWeights(z, t, out) {
    out.set(t);
    const k = runnerUp(z, t);
    out[k] = (out[k] as number) - 1;
  },
};

const BY_NAME: Record<ObjectiveName, Objective> = { logit, probability, 'log-probability': logProbability, margin };

/** The objective for a name or a custom Objective; default the linear read-out ('logit'). */
export function resolveObjective(spec: ObjectiveName | Objective | undefined): Objective {
  if (spec === undefined) return logit;
  if (typeof spec === 'string') {
    const found = BY_NAME[spec];
    if (found === undefined) throw new InvalidOptionError(`objective must be one of ${OBJECTIVES.join(', ')} or an Objective, got '${spec}'`);
    return found;
  }
  if (typeof spec !== 'object' || spec === null || typeof spec.value !== 'function' || typeof spec.outputWeights !== 'function') {
    throw new InvalidOptionError('objective must be a name or an object with value() and outputWeights()');
  }
  return spec;
}

/**
 * A warning when a softmax objective is taken of outputs that already are probabilities (each
 * example's in [0, 1], summing to 1: a model ending in Softmax), so that softmax is applied twice.
 */
export function softmaxTwiceWarning(objective: Objective, outputs: Float32Array, examples: number, outputSize: number): string | undefined {
  if ((objective.name !== 'probability' && objective.name !== 'log-probability') || outputSize < 2) return undefined;
  for (let e = 0; e < examples; e++) {
    let sum = 0;
    for (let j = e * outputSize; j < (e + 1) * outputSize; j++) {
      const v = outputs[j] as number;
      if (!(v >= 0 && v <= 1)) return undefined;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-4) return undefined;
  }
  return (
    `objective '${objective.name}' takes a softmax of the model's outputs, but they already sum to 1 in [0, 1] for every example ` +
    `(a model ending in Softmax?), so this explains softmax(probabilities); objective 'logit' explains the probabilities themselves`
  );
}
