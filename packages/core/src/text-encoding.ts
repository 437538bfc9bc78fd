import { IGError } from './errors.js';

/** What a tokenizer gives for one text (the shape of @huggingface/tokenizers' `encode`). */
export interface TokenizerLike {
  encode(text: string, options?: { add_special_tokens?: boolean }): { readonly ids: readonly number[]; readonly tokens: readonly string[] };
}

/** The text cannot be turned into model inputs: empty, or too long when truncation is off. */
export class TextInputError extends IGError {
  constructor(message: string) {
    super('TEXT_INPUT', message);
  }
}

export interface TextEncodingOptions {
  /** The longest token sequence the model takes. */
  readonly maxLength: number;
  /** Pad every sequence to `maxLength` with `padId` (attention mask 0); default true. */
  readonly pad?: boolean;
  /** Default 0. */
  readonly padId?: number;
  /** `truncate` (default) keeps the first `maxLength` tokens and warns; `error` throws TextInputError. */
  readonly tooLong?: 'truncate' | 'error';
  /** The tokenizer's unknown token, whose occurrences are warned about; default `[UNK]`. */
  readonly unknownToken?: string;
}

export interface EncodedText {
  /** The tokens the model sees (no padding). */
  readonly tokens: readonly string[];
  /** `[1, length]` token ids, padded when `pad` is on. */
  readonly inputIds: BigInt64Array;
  /** 1 on the tokens, 0 on the padding. */
  readonly attentionMask: BigInt64Array;
  /** Positions of unknown tokens. */
  readonly unknown: readonly number[];
  /** The token count before truncation, when the text was truncated. */
  readonly truncatedFrom?: number;
  readonly warnings: readonly string[];
}

/** Tokenizes `text` into int64 `input_ids` and `attention_mask` of one example. */
export function encodeText(tokenizer: TokenizerLike, text: string, options: TextEncodingOptions): EncodedText {
  const { maxLength, pad = true, padId = 0, tooLong = 'truncate', unknownToken = '[UNK]' } = options;
  if (!(Number.isInteger(maxLength) && maxLength > 0)) throw new TextInputError(`maxLength must be a positive integer, got ${String(maxLength)}`);
  const encoded = tokenizer.encode(text, { add_special_tokens: false });
  if (encoded.ids.length === 0)
    throw new TextInputError(`the text has no tokens${text.trim() === '' ? ' (it is empty)' : ''}: ${JSON.stringify(text.slice(0, 40))}`);
  const warnings: string[] = [];
  let ids = encoded.ids;
  let tokens = encoded.tokens;
  let truncatedFrom: number | undefined;
  if (ids.length > maxLength) {
    if (tooLong === 'error') throw new TextInputError(`the text has ${ids.length} tokens; the model takes at most ${maxLength}`);
    truncatedFrom = ids.length;
    ids = ids.slice(0, maxLength);
    tokens = tokens.slice(0, maxLength);
    warnings.push(`the text has ${truncatedFrom} tokens; the model takes at most ${maxLength}: only the first ${maxLength} are explained`);
  }
  const unknown = tokens.flatMap((t, i) => (t === unknownToken ? [i] : []));
  if (unknown.length > 0) warnings.push(`${unknown.length} of ${tokens.length} tokens are unknown to the tokenizer (${unknownToken})`);
  const length = pad ? maxLength : ids.length;
  const inputIds = new BigInt64Array(length).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(length);
  ids.forEach((id, i) => {
    inputIds[i] = BigInt(id);
    attentionMask[i] = 1n;
  });
  return { tokens, inputIds, attentionMask, unknown, ...(truncatedFrom !== undefined ? { truncatedFrom } : {}), warnings };
}

/** `maxLength`, `padId` and the unknown token from a tokenizer.json's `truncation`, `padding` and `model`. */
export function tokenizerLimits(json: unknown): { maxLength?: number; padId?: number; unknownToken?: string } {
  const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const root = record(json);
  const maxLength = record(root['truncation'])['max_length'];
  const padId = record(root['padding'])['pad_id'];
  const unknownToken = record(root['model'])['unk_token'];
  return {
    ...(typeof maxLength === 'number' ? { maxLength } : {}),
    ...(typeof padId === 'number' ? { padId } : {}),
    ...(typeof unknownToken === 'string' ? { unknownToken } : {}),
  };
}

/** A token model's inputs by name, int64 `[1, length]` each. */
export type TextModelInputs = Record<string, { data: BigInt64Array; shape: number[] }>;

/** The name of the token-ids input: the one named like `*ids` that is not type or position ids. */
export function idsInputName(inputNames: Iterable<string>): string {
  const names = [...inputNames];
  return names.find((n) => /ids/.test(n) && !/type|position/.test(n)) ?? names[0] ?? 'input_ids';
}

/**
 * The model's int64 inputs for one encoded text: the ids, the attention mask, zero token type
 * ids; TextInputError names any other input, which a text alone cannot fill.
 */
export function textModelInputs(
  inputNames: Iterable<string>,
  encoded: Pick<EncodedText, 'inputIds' | 'attentionMask'>,
): { inputs: TextModelInputs; idsName: string; shape: number[] } {
  const names = [...inputNames];
  const idsName = idsInputName(names);
  const shape = [1, encoded.inputIds.length];
  const inputs: TextModelInputs = { [idsName]: { data: encoded.inputIds, shape } };
  for (const name of names) {
    if (name === 'attention_mask') inputs[name] = { data: encoded.attentionMask, shape };
    else if (name === 'token_type_ids') inputs[name] = { data: new BigInt64Array(shape[1] as number), shape };
    else if (!inputs[name]) throw new TextInputError(`the model input "${name}" is not one a text fills (input ids, attention_mask, token_type_ids)`);
  }
  return { inputs, idsName, shape };
}
