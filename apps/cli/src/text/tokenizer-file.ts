import { existsSync } from 'node:fs';
import { defaultTokenizerPath } from '../companion-files.js';
import { Tokenizer } from '@huggingface/tokenizers';
import { tokenizerConfig, tokenizerLimits, tokenizerWordBoundary, type WordBoundary } from '@ig/core';
import { FileFormatError, UsageError } from '../errors.js';
import { readUserFile } from '../files.js';

export interface LoadedTokenizer {
  readonly path: string;
  readonly tokenizer: Tokenizer;
  /** The tokenizer's `truncation.max_length`; most tokenizer.json files have none. */
  readonly maxLength: number | undefined;
  readonly padId: number;
  /** Whether `padId` is the tokenizer's (its "padding"), not the default 0. */
  readonly hasPadToken: boolean;
  readonly unknownToken: string;
  /** How its tokens mark words (`##` continuations, `Ġ` or `▁` word starts). */
  readonly boundary: WordBoundary;
}

/** The tokenizer.json given, or the one next to the model. */
export function loadTokenizer(modelPath: string, tokenizerPath: string | undefined): LoadedTokenizer {
  const path = tokenizerPath ?? defaultTokenizerPath(modelPath);
  if (!tokenizerPath && !existsSync(path)) {
    throw new UsageError(`--text needs a tokenizer: give --tokenizer FILE or put tokenizer.json next to ${modelPath}`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readUserFile(path, 'tokenizer').toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SyntaxError) throw new FileFormatError(path, `not a JSON tokenizer file: ${error.message}`);
    throw error;
  }
  const limits = tokenizerLimits(json);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, tokenizerConfig(limits.unknownToken));
  } catch (error) {
    throw new FileFormatError(path, `@huggingface/tokenizers cannot read it: ${(error as Error).message}`);
  }
  return {
    path,
    tokenizer,
    maxLength: limits.maxLength,
    padId: limits.padId ?? 0,
    hasPadToken: limits.padId !== undefined,
    unknownToken: limits.unknownToken ?? '[UNK]',
    boundary: tokenizerWordBoundary(json),
  };
}

/** The id of `token` (a vocabulary entry such as `[MASK]`, or a number) for the baseline. */
export function baselineId(loaded: LoadedTokenizer, token: string | undefined): number {
  if (token === undefined) return loaded.padId;
  if (/^\d+$/.test(token)) return Number(token);
  const id = loaded.tokenizer.token_to_id(token);
  if (id === undefined) throw new UsageError(`--baseline-token ${token} is not in the vocabulary of ${loaded.path}`);
  return id;
}
