import { InvalidOptionError, NonFiniteError, ShapeMismatchError } from './errors.js';
import { firstNonFinite } from './path-kernels.js';
import { describeValue } from './describe-value.js';
import { inputTensors, type Inputs } from './inputs.js';
import { checkTensor, formatShape, sizeOf, type Tensor } from './tensor.js';

export interface ModelInputs {
  readonly tensors: readonly Tensor[];
  /** Examples in the batch (dimension 0, shared by every input). */
  readonly examples: number;
  /** Per input: the shape of one example. */
  readonly pointShapes: readonly (readonly number[])[];
  readonly pointSizes: readonly number[];
}

/** Checks one or several input tensors: float32, consistent shapes, one batch size, finite. */
export function normalizeInputs(inputs: Inputs): ModelInputs {
  const tensors = inputTensors(inputs);
  tensors.forEach((t, i) => {
    if (t === null || typeof t !== 'object') throw new ShapeMismatchError(`input ${i} is not a tensor { data, shape }`);
    checkTensor(t, `input ${i}`);
    if (t.shape.length < 1) {
      throw new ShapeMismatchError(`input ${i} has shape ${formatShape(t.shape)}; inputs need a batch axis first, e.g. [1, ${t.data.length}]`);
    }
  });
  const examples = tensors[0]?.shape[0] as number;
  if (examples < 1) throw new ShapeMismatchError(`input 0 has shape ${formatShape(tensors[0]?.shape ?? [])}: the batch is empty`);
  tensors.forEach((t, i) => {
    if (t.shape[0] !== examples) {
      throw new ShapeMismatchError(`input ${i} has ${String(t.shape[0])} examples (shape ${formatShape(t.shape)}) but input 0 has ${examples}`);
    }
    if (t.data.length === 0) {
      throw new ShapeMismatchError(`input ${i} has shape ${formatShape(t.shape)}: its examples have no features, so there is nothing to attribute`);
    }
    const bad = firstNonFinite(t.data);
    if (bad >= 0) {
      const size = t.data.length / examples;
      throw new NonFiniteError(`input ${i}`, bad, t.data[bad] as number, ` (example ${Math.floor(bad / size)}, feature ${bad % size})`);
    }
  });
  const pointShapes = tensors.map((t) => t.shape.slice(1));
  return { tensors, examples, pointShapes, pointSizes: pointShapes.map(sizeOf) };
}

export function checkPositiveInteger(value: unknown, name: string, min = 1): number {
  if (typeof value !== 'number') throw new InvalidOptionError(`${name} must be a number (an integer ≥ ${min}), got ${describeValue(value)}`);
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

export function checkPositiveNumber(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new InvalidOptionError(`${name} must be a positive number, got ${describeValue(value)}`);
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/** Points per path allowed unless `stepsLimit` raises it: past it a run is minutes long and its rule set-up alone is slow. */
export const DEFAULT_STEPS_LIMIT = 10_000;

/** Refuses more points per path than `limit`, naming the option that asked for them and the way to raise the limit. */
export function checkStepsLimit(steps: number, limit: number, name: string): void {
  if (steps > limit) {
    throw new InvalidOptionError(`${name} ${steps} is above the limit of ${limit} points per path; raise stepsLimit (ig: --steps-limit) if you mean it`);
  }
}

/** An optional boolean option: false when not given. */
export function checkFlag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidOptionError(`${name} must be true or false, got ${describeValue(value)}`);
  return value;
}
