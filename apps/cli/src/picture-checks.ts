import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { refuseGiven } from './given-options.js';

/** Options only polarity heatmaps read. */
const POLARITY_OPTIONS = ['polarity', 'clipAbove', 'clipBelow', 'morphology', 'outlines'] as const;

interface PictureSettings {
  readonly heatmapStyle: string;
  readonly sign: string;
  readonly clipAbovePercentile: number;
  readonly clipBelowPercentile: number;
}

/**
 * Refuses picture options that cannot draw, or that the chosen method would not read, before
 * anything is computed: masked_image and alpha_scaling show one sign, polarity heatmaps take
 * --polarity and --clip-* instead of --sign, and --clip-below must stay below --clip-above.
 */
export function checkPictureOptions(command: Command, settings: PictureSettings, files: readonly string[]): void {
  const method = settings.heatmapStyle;
  if ((method === 'masked_image' || method === 'alpha_scaling') && settings.sign === 'all')
    throw new UsageError(`--heatmap-method ${method} shows one sign; add --sign positive, negative or absolute_value`);
  if (method === 'polarity') refuseGiven(command, ['sign'], 'chooses what the other heatmap methods show; a polarity heatmap takes --polarity');
  else refuseGiven(command, [...POLARITY_OPTIONS], `is an option of --heatmap-method polarity, not ${method}`);
  if (settings.clipBelowPercentile >= settings.clipAbovePercentile)
    throw new UsageError(`--clip-below ${settings.clipBelowPercentile} must be below --clip-above ${settings.clipAbovePercentile}`);
  for (const file of files) if (!/\.png$/i.test(file)) throw new UsageError(`${file}: pictures are written as PNG; name the file .png`);
}
