import { checkStepsAndMethod, IGError } from '@ig/core';
import { UsageError } from './errors.js';

/** `--max-steps` default, as in @ig/core. */
export const DEFAULT_MAX_STEPS = 1025;

/**
 * --steps auto with --method follows @ig/core's one rule (checkStepsAndMethod): refused, whether
 * --method names the default rule or another. `methodText` is --method only when given.
 */
export function checkAutoStepsOptions(steps: number | 'auto', methodText: string | undefined, maxStepsText: string | undefined): number | undefined {
  try {
    checkStepsAndMethod(steps, methodText);
  } catch (error) {
    if (!(error instanceof IGError)) throw error;
    throw new UsageError(
      `--steps auto places its own points (--auto-rule adaptive or nested) and cannot use --method ${String(methodText)}: give --steps a number to use --method, or drop --method`,
    );
  }
  if (maxStepsText === undefined) return undefined;
  if (steps !== 'auto') throw new UsageError('--max-steps caps --steps auto; drop it or use --steps auto');
  const maxSteps = Number(maxStepsText);
  if (!Number.isInteger(maxSteps) || maxSteps < 3) throw new UsageError(`--max-steps must be an integer ≥ 3, got '${maxStepsText}'`);
  return maxSteps;
}
