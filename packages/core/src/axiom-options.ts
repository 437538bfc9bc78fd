import type { AxiomCheckOptions, FeatureRef } from './axiom-types.js';
import { describeValue } from './describe-value.js';
import { InvalidOptionError, TargetError } from './errors.js';
import { resolveTargets } from './targets.js';
import { checkPositiveInteger } from './validate.js';

function checkRef(ref: unknown, where: string, pointSizes: readonly number[]): void {
  if (ref === null || typeof ref !== 'object') throw new InvalidOptionError(`${where} must be { input, index }, got ${describeValue(ref)}`);
  const { input, index } = ref as Partial<FeatureRef>;
  if (typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input >= pointSizes.length) {
    throw new InvalidOptionError(`${where} has input ${describeValue(input)}, but the model has ${pointSizes.length} input(s) (0..${pointSizes.length - 1})`);
  }
  const size = pointSizes[input] as number;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= size) {
    throw new InvalidOptionError(`${where} has index ${describeValue(index)}, outside input ${input}'s ${size} features per example (0..${size - 1})`);
  }
}

function checkList(list: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(list)) throw new InvalidOptionError(`${name} must be an array, got ${describeValue(list)}`);
  return list;
}

/** Refuses, before any model call, feature references outside the inputs and malformed numeric options. */
export function checkAxiomOptions(options: AxiomCheckOptions, pointSizes: readonly number[]): { maxDummyProbes: number; a: number; b: number } {
  for (const name of ['sensitivityFeatures', 'dummyFeatures'] as const) {
    if (options[name] !== undefined) checkList(options[name], name).forEach((ref, k) => checkRef(ref, `${name}[${k}]`, pointSizes));
  }
  if (options.symmetricPairs !== undefined) {
    checkList(options.symmetricPairs, 'symmetricPairs').forEach((pair, k) => {
      const refs = checkList(pair, `symmetricPairs[${k}]`);
      if (refs.length !== 2) throw new InvalidOptionError(`symmetricPairs[${k}] must be a pair of feature references, got ${refs.length}`);
      refs.forEach((ref, j) => checkRef(ref, `symmetricPairs[${k}][${j}]`, pointSizes));
    });
  }
  const maxDummyProbes = checkPositiveInteger(options.maxDummyProbes ?? 64, 'maxDummyProbes');
  const [a, b] = (['a', 'b'] as const).map((key) => {
    const value: unknown = options.linearity?.[key] ?? (key === 'a' ? 2 : -0.5);
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new InvalidOptionError(`linearity.${key} must be a finite number, got ${describeValue(value)}`);
    return value;
  }) as [number, number];
  return { maxDummyProbes, a, b };
}

/**
 * The attributed output and linearity's second one, checked against the model's output count.
 * A target may be left out exactly where integratedGradients allows it: for a model with one output.
 */
export function axiomTargets(options: AxiomCheckOptions, outputs: number): { target: number; other: number } {
  const target = options.target ?? (resolveTargets(undefined, 1, outputs).labels[0] as number);
  const other = options.linearity?.otherTarget ?? (typeof target === 'number' ? (target + 1) % outputs : undefined);
  for (const [name, index] of [
    ['target', target],
    ['linearity.otherTarget', other],
  ] as const) {
    if (typeof index !== 'number')
      throw new TargetError(
        `checkAxioms: ${name} must be one output index, got ${JSON.stringify(index)}; to check a weighted objective, give a backend whose one output is that objective`,
      );
    if (!Number.isInteger(index) || index < 0 || index >= outputs)
      throw new TargetError(`checkAxioms: ${name} ${String(index)} is not an output index; the model has ${outputs} output(s)`);
  }
  return { target, other: other as number };
}
