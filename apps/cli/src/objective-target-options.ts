import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import type { Layout } from './image.js';
import type { Limits } from './limits.js';
import { readRegionMask, readWeightsFile, type RegionMask, type WeightsFile } from './target-files.js';

/** --target-weights or --target-region with --region-mask, read once for every input of a run. */
export type ObjectiveTarget =
  | { readonly kind: 'weights'; readonly file: WeightsFile }
  | {
      readonly kind: 'region';
      /** A class index or a label (--labels), as given. */
      readonly target: string;
      readonly mask: RegionMask;
      /** --layout when given: where the output's class axis is; else the input's layout. */
      readonly layout: Layout | null;
    };

export const TARGET_WEIGHTS_HELP = "explain the linear objective Σ w·output: a float .npy shaped like one example's output (with or without a batch axis of 1)";
export const TARGET_REGION_HELP =
  "explain the sum of class CLASS's logits (an index, or a label with --labels) over the pixels of --region-mask, on a dense output [N, C, H, W] ([N, H, W, C] with --layout nhwc)";
export const REGION_MASK_HELP =
  "with --target-region: a .npy [H, W] (nonzero = inside) or a PNG (pixels with nonzero alpha and luminance) of the output's size";

export function addObjectiveTargetOptions(command: Command): Command {
  return command
    .option('--target-weights <file.npy>', TARGET_WEIGHTS_HELP)
    .option('--target-region <class>', TARGET_REGION_HELP)
    .option('--region-mask <file>', REGION_MASK_HELP);
}

type Raw = Record<string, unknown>;

const text = (raw: Raw, key: string): string | undefined => (typeof raw[key] === 'string' ? raw[key] : undefined);

/**
 * The objective flags, checked against each other and against --target and --objective, and
 * their files read; undefined when neither is given. Only the linear read-out is allowed: the
 * softmax objectives take one softmax over all of an example's outputs (every pixel and class of
 * a dense output, or unrelated regression outputs) and margin compares one class with the
 * runner-up, so none of them has a meaning for a weighted sum or a region.
 */
export function objectiveTargetOf(raw: Raw, context: { readonly targetGiven: boolean; readonly limits: Limits }): ObjectiveTarget | undefined {
  const weights = text(raw, 'targetWeights');
  const region = text(raw, 'targetRegion');
  const mask = text(raw, 'regionMask');
  if (mask !== undefined && region === undefined) throw new UsageError('--region-mask goes with --target-region CLASS');
  if (weights === undefined && region === undefined) return undefined;
  if (weights !== undefined && region !== undefined) throw new UsageError('give either --target-weights or --target-region, not both');
  const flag = weights !== undefined ? '--target-weights' : '--target-region';
  if (context.targetGiven) throw new UsageError(`${flag} defines what is explained; drop --target ${String(raw['target'])}`);
  const objective = text(raw, 'objective') ?? 'logit';
  if (objective !== 'logit') {
    const why =
      objective === 'margin'
        ? 'margin compares one class with the runner-up'
        : `${objective} takes one softmax over all of an example's outputs, which mixes the pixels (or unrelated regression outputs)`;
    throw new UsageError(`${flag} explains a weighted sum of the outputs (--objective logit); --objective ${why}`);
  }
  if (weights !== undefined && text(raw, 'labels') !== undefined)
    throw new UsageError('--labels names the classes of --target or --target-region; --target-weights explains no class');
  if (weights !== undefined) return { kind: 'weights', file: readWeightsFile(weights, context.limits) };
  if (mask === undefined) throw new UsageError('--target-region needs --region-mask FILE (a .npy [H, W] or a PNG): the pixels it sums over');
  if (!/^\d+$/.test(region as string) && text(raw, 'labels') === undefined)
    throw new UsageError(`--target-region takes a class index, or a label with --labels; got '${String(region)}'`);
  const layout = text(raw, 'layout');
  return { kind: 'region', target: region as string, mask: readRegionMask(mask, context.limits), layout: (layout as Layout | undefined) ?? null };
}

/** Refuses the objective flags where a command cannot use them (texts, token ids, several model inputs). */
export function refuseObjectiveTarget(raw: Raw, where: string): void {
  for (const [key, flag] of [
    ['targetWeights', '--target-weights'],
    ['targetRegion', '--target-region'],
    ['regionMask', '--region-mask'],
  ] as const) {
    if (raw[key] !== undefined) throw new UsageError(`${flag} explains a float tensor input's model output; it is not available ${where}`);
  }
}

/** The objective's entries of a batch's options record (none without one, so older out-dirs resume). */
export function objectiveFingerprint(target: ObjectiveTarget | undefined): Record<string, unknown> {
  if (target === undefined) return {};
  if (target.kind === 'weights') return { '--target-weights': resolve(target.file.file) };
  return { '--target-region': target.target, '--region-mask': resolve(target.mask.file) };
}
