import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseAlgorithmSettings } from '../algorithm-options.js';
import { UsageError } from '../errors.js';
import type { ExplainSettings } from '../options.js';
import type { TokenRunSettings } from './token-session.js';

/** What the baseline holds for a model that counts its position ids from the ids (README: RoBERTa, XLM-R and CamemBERT). */
export const ROBERTA_BASELINE_HELP =
  "RoBERTa-style models: at the default layer the baseline's pads keep the text's positions; with --layer after the position embeddings they sit at position 1";

/** The options of token-id models, as `ig explain` and `ig batch` take them. */
export function addTokenOptions(command: Command, what: string): Command {
  return command
    .option('--tokenizer <tokenizer.json>', `${what}: the tokenizer (default tokenizer.json next to the model)`)
    .option('--baseline-token <token>', `${what}: the baseline token at every position, a token or an id (default the pad token). ${ROBERTA_BASELINE_HELP}`)
    .option('--baseline-ids <file.json>', `${what}: the baseline token ids, a JSON array with one id per position of the (padded) sequence`)
    .option('--too-long <mode>', `${what}: truncate (default, with a warning) or error when a text has more tokens than the model takes`);
}

const TOKEN_FLAGS = { tokenizer: '--tokenizer', baselineToken: '--baseline-token', baselineIds: '--baseline-ids', tooLong: '--too-long' } as const;

/** The token-id options given on the command line, by flag: refused where no token model is explained. */
export function givenTokenFlags(raw: Record<string, unknown>): string[] {
  return Object.entries(TOKEN_FLAGS).flatMap(([key, flag]) => (raw[key] === undefined ? [] : [flag]));
}

/** The token-id options of `ig explain` and `ig batch` beside the shared ones. */
export function tokenRunSettingsOf(settings: ExplainSettings, raw: Record<string, unknown>, labels: readonly string[] | null): TokenRunSettings {
  const tooLong = (raw['tooLong'] as string | undefined) ?? 'truncate';
  if (tooLong !== 'truncate' && tooLong !== 'error') throw new UsageError(`--too-long ${tooLong}: give truncate or error`);
  const text = (key: string): string | undefined => (typeof raw[key] === 'string' ? raw[key] : undefined);
  return {
    ...settings,
    labels,
    tokenizer: text('tokenizer'),
    baselineToken: text('baselineToken'),
    ...(text('baselineIds') !== undefined ? { baselineIds: text('baselineIds') } : {}),
    tooLong,
  };
}

/** The token options that shape a batch's results, for `batch-options.json` (files by absolute path). */
export function tokenFingerprint(settings: TokenRunSettings): Record<string, unknown> {
  return {
    tokenizer: settings.tokenizer === undefined ? null : resolve(settings.tokenizer),
    baselineToken: settings.baselineToken ?? null,
    baselineIds: settings.baselineIds === undefined ? null : resolve(settings.baselineIds),
    tooLong: settings.tooLong ?? 'truncate',
  };
}

/** Token models are explained at their embedding with plain IG; other algorithms' options are refused. */
export function requirePlainIntegratedGradients(raw: Record<string, unknown>, what: string): void {
  const { algorithm, multiplyByInputs, objective, noise, reducer } = parseAlgorithmSettings(raw as Record<string, string | boolean | undefined>);
  if (algorithm !== 'integrated-gradients' || !multiplyByInputs || objective !== 'logit' || noise !== undefined || reducer !== undefined) {
    throw new UsageError(
      `${what} is explained with plain Integrated Gradients at the embedding; --algorithm, --no-multiply-by-inputs, --objective, --noise and --reducer need a float --input`,
    );
  }
}
