import { describeValue } from './describe-value.js';
import { TargetError } from './errors.js';

/**
 * What to attribute:
 * - a class index for every example;
 * - an array with one class index per example;
 * - an array of arrays: several class indices per example (same count each), done in one pass;
 * - `{ classes: [...] }`: the same several classes for every example;
 * - `{ weights }`: a linear objective Σⱼ wⱼ·outputⱼ (regression, custom objectives), with
 *   `outputSize` weights for all examples or `N × outputSize`, one row per example;
 * - `'predicted'`: the class the model predicts for each example, argmax of its output at the
 *   input (the first on a tie), as Captum users write `target=model(x).argmax(1)`;
 * - `{ top: k }`: the k highest outputs at the input of each example, highest first, done in one
 *   pass like `{ classes }` (attributions get a target axis of length k).
 * May be omitted only for a model with a single output.
 */
export type TargetSpec =
  | 'predicted'
  | { readonly top: number }
  | number
  | readonly number[]
  | readonly (readonly number[])[]
  | { readonly classes: readonly number[] }
  | { readonly weights: Float32Array | readonly number[] };

export interface ResolvedTargets {
  /** Targets per example. */
  readonly perExample: number;
  /** True when the result gets a target axis after the batch axis. */
  readonly hasTargetAxis: boolean;
  /** `N × perExample × outputSize` objective weights. */
  readonly weights: Float32Array;
  /** Class index per (example, target), or null for a weight-vector objective. */
  readonly labels: readonly (number | null)[];
}

/** An array or a typed array: something with numbered entries and a length. */
function isList(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function checkClass(value: unknown, outputSize: number, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TargetError(`${where} must be an integer class index, got ${String(value)}`);
  }
  if (value < 0 || value >= outputSize) {
    throw new TargetError(`${where} = ${value} is out of range: the model has ${outputSize} output(s), valid indices are 0..${outputSize - 1}`);
  }
  return value;
}

function fromClasses(
  classes: readonly (readonly number[])[],
  outputSize: number,
  hasTargetAxis: boolean,
  describe: (example: number, slot: number) => string,
): ResolvedTargets {
  const perExample = classes[0]?.length ?? 0;
  if (perExample === 0) throw new TargetError('target lists must not be empty');
  const weights = new Float32Array(classes.length * perExample * outputSize);
  const labels: number[] = [];
  classes.forEach((row, example) => {
    if (row.length !== perExample) {
      throw new TargetError(`example ${example} has ${row.length} targets but example 0 has ${perExample}; every example needs the same number`);
    }
    row.forEach((value, slot) => {
      const cls = checkClass(value, outputSize, describe(example, slot));
      weights[(example * perExample + slot) * outputSize + cls] = 1;
      labels.push(cls);
    });
  });
  return { perExample, hasTargetAxis, weights, labels };
}

/** Indices of the k largest of `row`, largest first; a tie goes to the lower index. */
function topIndices(row: Float32Array, k: number): number[] {
  return Array.from(row.keys())
    .sort((a, b) => (row[b] as number) - (row[a] as number) || a - b)
    .slice(0, k);
}

/** Per example, the k classes ranked highest by the model's outputs at the input. */
function rankedClasses(outputs: Float32Array | undefined, examples: number, outputSize: number, k: number, name: string): number[][] {
  if (outputs === undefined || outputs.length !== examples * outputSize) {
    throw new TargetError(`target ${name} needs the model's outputs at the input; this method does not compute them, give class indices`);
  }
  return Array.from({ length: examples }, (_, e) => topIndices(outputs.subarray(e * outputSize, (e + 1) * outputSize), k));
}

/**
 * Resolves `spec` to objective weights. `outputs` (`examples × outputSize` model outputs at the
 * input) is needed for `'predicted'` and `{ top }`.
 */
export function resolveTargets(spec: TargetSpec | undefined, examples: number, outputSize: number, outputs?: Float32Array): ResolvedTargets {
  if (spec === 'predicted') {
    return fromClasses(rankedClasses(outputs, examples, outputSize, 1, "'predicted'"), outputSize, false, () => 'target');
  }
  if (typeof spec === 'object' && spec !== null && 'top' in spec) {
    const k = spec.top;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > outputSize) {
      throw new TargetError(`target.top must be an integer from 1 to ${outputSize} (the model's outputs), got ${String(k)}`);
    }
    return fromClasses(rankedClasses(outputs, examples, outputSize, k, '{ top }'), outputSize, true, (_, t) => `target.top[${t}]`);
  }
  if (spec === undefined) {
    if (outputSize !== 1) {
      throw new TargetError(`target is required: the model has ${outputSize} outputs per example (give a class index, one per example, or { weights })`);
    }
    return fromClasses(
      Array.from({ length: examples }, () => [0]),
      outputSize,
      false,
      () => 'target',
    );
  }
  if (typeof spec === 'number') {
    return fromClasses(
      Array.from({ length: examples }, () => [spec]),
      outputSize,
      false,
      () => 'target',
    );
  }
  if (Array.isArray(spec)) {
    if (spec.length !== examples) {
      throw new TargetError(`target has ${spec.length} entries but the input has ${examples} example(s); give one per example`);
    }
    if (spec.every((t) => Array.isArray(t))) {
      return fromClasses(spec as readonly (readonly number[])[], outputSize, true, (e, t) => `target[${e}][${t}]`);
    }
    return fromClasses(
      (spec as readonly number[]).map((t) => [t]),
      outputSize,
      false,
      (e) => `target[${e}]`,
    );
  }
  if (typeof spec === 'object' && spec !== null && 'classes' in spec) {
    const classes = spec.classes;
    return fromClasses(
      Array.from({ length: examples }, () => [...classes]),
      outputSize,
      true,
      (_, t) => `target.classes[${t}]`,
    );
  }
  if (typeof spec === 'object' && spec !== null && 'weights' in spec) {
    const w = spec.weights as unknown;
    if (!isList(w)) {
      throw new TargetError(`target.weights must be an array of numbers or a Float32Array, got ${describeValue(w)}`);
    }
    if (w.length !== outputSize && w.length !== examples * outputSize) {
      throw new TargetError(`target.weights has ${w.length} values; expected ${outputSize} (one per output) or ${examples * outputSize} (examples × outputs)`);
    }
    const weights = new Float32Array(examples * outputSize);
    for (let e = 0; e < examples; e++) {
      for (let j = 0; j < outputSize; j++) {
        const v = w.length === outputSize ? w[j] : w[e * outputSize + j];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          const where = `target.weights[${w.length === outputSize ? j : e * outputSize + j}]`;
          throw new TargetError(typeof v === 'number' ? `${where} = ${v} is not finite` : `${where} must be a number, got ${describeValue(v)}`);
        }
        weights[e * outputSize + j] = v;
      }
    }
    return { perExample: 1, hasTargetAxis: false, weights, labels: new Array<null>(examples).fill(null) };
  }
  throw new TargetError("target must be a class index, an array of them, { classes }, { weights }, 'predicted' or { top: k }");
}

/**
 * Targets per example that `resolveTargets` gives for `spec`, known before the model's output
 * size is: the length of the first row for several targets per example, else 1. A malformed spec
 * is reported by resolveTargets.
 */
export function targetsPerExample(spec: TargetSpec | undefined): number {
  if (Array.isArray(spec) && spec.length > 0 && spec.every((t) => Array.isArray(t))) {
    return Math.max(1, (spec[0] as readonly number[]).length);
  }
  if (typeof spec === 'object' && spec !== null && 'classes' in spec && Array.isArray(spec.classes)) return Math.max(1, spec.classes.length);
  if (typeof spec === 'object' && spec !== null && 'top' in spec && Number.isInteger(spec.top) && spec.top >= 1) return spec.top;
  return 1;
}
