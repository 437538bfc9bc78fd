import { InvalidOptionError } from './errors.js';
import { resolveObjective, type Objective, type ObjectiveName } from './methods/objective.js';

/** Captum's spellings of options that @ig names otherwise, with what to give instead. */
const CAPTUM_NAMES: Readonly<Record<string, string>> = {
  internalBatchSize: 'batchSize',
  internal_batch_size: 'batchSize',
  n_steps: 'steps',
  nSteps: 'steps',
  baseline: 'baselines',
  return_convergence_delta: 'nothing: every report carries delta',
  returnConvergenceDelta: 'nothing: every report carries delta',
  additional_forward_args: 'a context input of the backend (ig: --context-input)',
  additionalForwardArgs: 'a context input of the backend (ig: --context-input)',
};

/**
 * Refuses options integratedGradients would accept and not use: a Captum name, steps other than
 * a custom rule's point count (its alphas are the points), auto-only options beside a number of steps, and a
 * nonlinear objective (integratedGradients weighs the outputs as they are; attribute() takes it).
 */
export function checkUnusedOptions(options: object): void {
  const given = options as Record<string, unknown>;
  for (const [name, instead] of Object.entries(CAPTUM_NAMES)) {
    if (name in given) throw new InvalidOptionError(`${name} is Captum's name; give ${instead}`);
  }
  const steps = given['steps'];
  const method = given['method'];
  const alphas = typeof method === 'object' && method !== null ? (method as { alphas?: ArrayLike<number> }).alphas : undefined;
  if (alphas !== undefined && steps !== undefined && steps !== alphas.length) {
    throw new InvalidOptionError(
      `steps (${String(steps)}) differs from the ${alphas.length} points of the custom method, which are the points used; leave steps out`,
    );
  }
  refuseAutoOnlyOptions(given, steps);
  if (given['checkMidpoint'] === true && given['autoRule'] === 'nested') {
    throw new InvalidOptionError("checkMidpoint applies to autoRule 'adaptive' only: the nested rule starts from 3 points");
  }
  const objective = given['objective'] as ObjectiveName | Objective | undefined;
  if (objective !== undefined && !resolveObjective(objective).linear) {
    throw new InvalidOptionError(
      `integratedGradients weighs the outputs as they are (target weights) and cannot take objective '${typeof objective === 'string' ? objective : 'custom'}': use attribute() with it`,
    );
  }
}

/**
 * Refuses the options of `steps: 'auto'` beside a number of steps (`checkMidpoint: false`, the
 * default, is let through).
 */
export function refuseAutoOnlyOptions(given: Readonly<Record<string, unknown>>, steps: unknown): void {
  if (steps === 'auto') return;
  for (const name of ['maxSteps', 'autoRule', 'checkMidpoint']) {
    if (given[name] !== undefined && !(name === 'checkMidpoint' && given[name] === false)) {
      throw new InvalidOptionError(`${name} applies to steps: 'auto' only, and steps is ${String(steps ?? 50)}`);
    }
  }
}
