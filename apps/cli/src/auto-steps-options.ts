import { AUTO_RULES, checkStepsAndMethod, IGError, type AutoRule } from '@ig/core';
import { Option, type Command } from 'commander';
import { UsageError } from './errors.js';

/** `--max-steps` default, as in @ig/core. */
export const DEFAULT_MAX_STEPS = 1025;

/** --max-steps, --auto-rule and --check-midpoint: how --steps auto refines. */
export function addAutoStepsOptions(command: Command): Command {
  return command
    .option('--max-steps <n>', `most points per path for --steps auto (default ${DEFAULT_MAX_STEPS})`)
    .addOption(
      new Option(
        '--auto-rule <rule>',
        'how --steps auto refines: adaptive (bisects the pieces with the largest completeness error) or nested (doubles the whole grid)',
      )
        .choices([...AUTO_RULES])
        .default('adaptive'),
    )
    .option(
      '--check-midpoint',
      'with --steps auto (adaptive rule): where the midpoint alone meets --tolerance, check it per feature by one more gradient at α = 1 before stopping',
    );
}

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

/**
 * --check-midpoint, as @ig/core's checkMidpoint: for the adaptive rule of --steps auto only (the
 * nested rule starts from 3 points, never from the midpoint alone).
 */
export function checkMidpointOption(steps: number | 'auto', autoRule: AutoRule, given: boolean): boolean {
  if (!given) return false;
  if (steps !== 'auto') throw new UsageError('--check-midpoint refines --steps auto; drop it or use --steps auto');
  if (autoRule !== 'adaptive')
    throw new UsageError(
      `--check-midpoint checks the lone midpoint of --auto-rule adaptive; --auto-rule ${autoRule} never stops on one: drop --check-midpoint or use --auto-rule adaptive`,
    );
  return true;
}
