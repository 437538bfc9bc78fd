import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** The long flags of those options (by attribute name, e.g. `baselineToken`) given on the command line, not left at a default. */
export function givenFlags(command: Command, names: readonly string[]): string[] {
  return names
    .filter((name) => command.getOptionValueSource(name) === 'cli')
    .map((name) => command.options.find((o) => o.attributeName() === name)?.long ?? name);
}

/**
 * Refuses the first option of `names` given on the command line where the run would not use it,
 * so that no option is silently ignored: `why` completes `--flag …` and names what rules it out.
 */
export function refuseGiven(command: Command, names: readonly string[], why: string): void {
  const [flag] = givenFlags(command, names);
  if (flag !== undefined) throw new UsageError(`${flag} ${why}`);
}

/** Options of tensor inputs (images, float arrays) that a text or token ids do not use. */
export const TENSOR_INPUT_OPTIONS = ['baseline', 'baselines', 'seed', 'size', 'layout', 'mean', 'std', 'normalize', 'channels', 'output'] as const;

/** How heatmaps and panels are drawn; unused where none is drawn. */
export const PICTURE_OPTIONS = ['heatmapMethod', 'sign', 'outlierPercentile', 'polarity', 'clipAbove', 'clipBelow', 'morphology', 'outlines', 'scale'] as const;

/** --auto-rule without --steps auto, which alone refines. */
export function refuseAutoRuleWithoutAuto(command: Command, steps: number | 'auto'): void {
  if (steps !== 'auto') refuseGiven(command, ['autoRule'], 'refines --steps auto; drop it or use --steps auto');
}

/** How heatmaps are drawn, where none is: `drawnBy` names the option that draws them. */
export function refusePictureOptionsWithout(command: Command, drawnBy: string): void {
  refuseGiven(command, PICTURE_OPTIONS, `sets how the pictures of ${drawnBy} are drawn; add ${drawnBy.split(' and ')[0] ?? drawnBy} or drop it`);
}

/** --seed where the run draws nothing at random (no random baseline, no --noise, no expected-gradients draws). */
export function refuseUnusedSeed(command: Command, baseline: string, algorithm: { readonly algorithm: string; readonly noise: string | undefined }): void {
  const drawn = /^(uniform|gaussian)$/.test(baseline) || algorithm.noise !== undefined || algorithm.algorithm === 'expected-gradients';
  if (!drawn)
    refuseGiven(command, ['seed'], 'seeds random baselines (--baseline uniform or gaussian), --noise and the draws of expected-gradients; this run draws none');
}
