import type { AutoRule } from '@ig/core';
import type { Method } from './options.js';

/** The options of `ig explain` that say how each path is integrated. */
export interface PathSettings {
  readonly steps: number | 'auto';
  readonly autoRule: AutoRule;
  /** The cap of steps 'auto'; undefined for the core's default. */
  readonly maxSteps?: number | undefined;
  /** With steps 'auto' (adaptive rule): check a lone midpoint per feature before stopping on it. */
  readonly checkMidpoint?: boolean;
  readonly tolerance: number | undefined;
  readonly method: Method;
  readonly batchSize: number | undefined;
  readonly stepsLimit?: number;
  readonly memoryBudgetBytes?: number | undefined;
}

/** The options of steps 'auto' beside `steps`: its rule, its cap and the midpoint check, each where given. */
export function autoStepsOptionsOf(settings: PathSettings) {
  return {
    autoRule: settings.autoRule,
    ...(settings.maxSteps !== undefined ? { maxSteps: settings.maxSteps } : {}),
    ...(settings.checkMidpoint === true ? { checkMidpoint: true } : {}),
  };
}

/**
 * How steps 'auto' refined, as reports record it (nothing for a number of steps); the midpoint
 * check only of the rule that has one.
 */
export function autoReportOf(settings: PathSettings): { autoRule?: AutoRule; checkMidpoint?: boolean } {
  if (settings.steps !== 'auto') return {};
  return { autoRule: settings.autoRule, ...(settings.autoRule === 'adaptive' ? { checkMidpoint: settings.checkMidpoint === true } : {}) };
}

/**
 * Those settings as @ig/core's integration options; `batchSize` overrides the settings' (a size
 * the caller chose). steps 'auto' refines with its own rule, so no quadrature method is named then.
 */
export function pathOptionsOf(settings: PathSettings, batchSize: number | undefined = settings.batchSize) {
  return {
    ...(settings.steps === 'auto' ? autoStepsOptionsOf(settings) : { method: settings.method }),
    steps: settings.steps,
    ...(settings.tolerance !== undefined ? { tolerance: settings.tolerance } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(settings.stepsLimit !== undefined ? { stepsLimit: settings.stepsLimit } : {}),
    ...(settings.memoryBudgetBytes !== undefined ? { memoryBudgetBytes: settings.memoryBudgetBytes } : {}),
  };
}
