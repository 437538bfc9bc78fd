import { describeValue } from './describe-value.js';
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
  /**
   * The longest token sequence the model takes, special tokens included; undefined when the model
   * takes any length (the text is then neither truncated nor padded).
   */
  readonly maxLength: number | undefined;
  /** Pad every sequence to `maxLength` with `padId` (attention mask 0); default true. */
  readonly pad?: boolean;
  /** Default 0. */
  readonly padId?: number;
  /** `truncate` (default) keeps the first tokens (and the special tokens) and warns; `error` throws TextInputError. */
  readonly tooLong?: 'truncate' | 'error';
  /** The tokenizer's unknown token, whose occurrences are warned about; default `[UNK]`. */
  readonly unknownToken?: string;
  /** Its id: a Unigram tokenizer keeps the text of an unknown piece (`42`) under this id. */
  readonly unknownId?: number;
  /**
   * Add the special tokens of the tokenizer's post-processor (BERT's [CLS] … [SEP], a
   * SentencePiece </s>), as the model saw them in training; default true.
   */
  readonly addSpecialTokens?: boolean;
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
  /** Positions of the special tokens the post-processor added. */
  readonly special: readonly number[];
  /** The token count before truncation, when the text was truncated. */
  readonly truncatedFrom?: number;
  readonly warnings: readonly string[];
}

interface Piece {
  readonly id: number;
  readonly token: string;
  readonly special: boolean;
}

/**
 * The text's tokens with the post-processor's special tokens marked: those of the encoding with
 * special tokens that are not, in order, the tokens of the encoding without them.
 */
function piecesOf(tokenizer: TokenizerLike, text: string, addSpecialTokens: boolean): Piece[] {
  const plain = tokenizer.encode(text, { add_special_tokens: false });
  const full = addSpecialTokens ? tokenizer.encode(text, { add_special_tokens: true }) : plain;
  let next = 0;
  return full.ids.map((id, i) => {
    const matches = next < plain.ids.length && plain.ids[next] === id && plain.tokens[next] === full.tokens[i];
    if (matches) next++;
    return { id, token: full.tokens[i] as string, special: !matches };
  });
}

/** Keeps the first `maxLength` tokens, the special tokens at either end kept in place. */
function truncated(pieces: readonly Piece[], maxLength: number): Piece[] {
  let lead = 0;
  while (lead < pieces.length && pieces[lead]?.special) lead++;
  let tail = 0;
  while (tail < pieces.length - lead && pieces[pieces.length - 1 - tail]?.special) tail++;
  const room = Math.max(0, maxLength - lead - tail);
  if (room === 0) return pieces.slice(0, maxLength);
  return [...pieces.slice(0, lead), ...pieces.slice(lead, lead + room), ...pieces.slice(pieces.length - tail)];
}

/** `value` as an int64, refused with a TextInputError naming `what` unless it is an integer. */
function int64(value: unknown, what: string): bigint {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TextInputError(`${what} must be an integer, got ${describeValue(value)}; check the tokenizer's vocabulary and the ids it returns`);
  }
  return BigInt(value);
}

/** Tokenizes `text` into int64 `input_ids` and `attention_mask` of one example. */
export function encodeText(tokenizer: TokenizerLike, text: string, options: TextEncodingOptions): EncodedText {
  const { maxLength, pad = true, padId = 0, tooLong = 'truncate', unknownToken = '[UNK]', addSpecialTokens = true } = options;
  if (maxLength !== undefined && !(Number.isInteger(maxLength) && maxLength > 0))
    throw new TextInputError(`maxLength must be a positive integer, got ${String(maxLength)}`);
  let pieces = piecesOf(tokenizer, text, addSpecialTokens);
  if (!pieces.some((p) => !p.special))
    throw new TextInputError(`the text has no tokens${text.trim() === '' ? ' (it is empty)' : ''}: ${JSON.stringify(text.slice(0, 40))}`);
  const warnings: string[] = [];
  let truncatedFrom: number | undefined;
  if (maxLength !== undefined && pieces.length > maxLength) {
    if (tooLong === 'error') throw new TextInputError(`the text has ${pieces.length} tokens; the model takes at most ${maxLength}`);
    truncatedFrom = pieces.length;
    pieces = truncated(pieces, maxLength);
    warnings.push(`the text has ${truncatedFrom} tokens; the model takes at most ${maxLength}: only the first ${maxLength} are explained`);
  }
  const tokens = pieces.map((p) => p.token);
  const unknown = pieces.flatMap((p, i) => (p.token === unknownToken || (options.unknownId !== undefined && p.id === options.unknownId) ? [i] : []));
  if (unknown.length > 0) warnings.push(`${unknown.length} of ${tokens.length} tokens are unknown to the tokenizer (${unknownToken})`);
  const length = pad && maxLength !== undefined ? maxLength : pieces.length;
  const inputIds = new BigInt64Array(length).fill(int64(padId, 'padId'));
  const attentionMask = new BigInt64Array(length);
  pieces.forEach(({ id, token }, i) => {
    inputIds[i] = int64(id, `the id of token ${i}${typeof token === 'string' ? ` (${JSON.stringify(token)})` : ''}`);
    attentionMask[i] = 1n;
  });
  const special = pieces.flatMap((p, i) => (p.special ? [i] : []));
  return { tokens, inputIds, attentionMask, unknown, special, ...(truncatedFrom !== undefined ? { truncatedFrom } : {}), warnings };
}

/**
 * The baseline ids of an encoded text: `baselineId` at every position but the special tokens,
 * which keep their ids (Captum's BERT tutorial: [CLS] [PAD] … [PAD] [SEP]); padding stays padding.
 */
export function textBaselineIds(encoded: Pick<EncodedText, 'inputIds' | 'attentionMask' | 'special'>, baselineId: number): BigInt64Array {
  const baseline = int64(baselineId, 'baselineId');
  const ids = encoded.inputIds.map((id, i) => (encoded.attentionMask[i] === 1n ? baseline : id));
  for (const i of encoded.special) ids[i] = encoded.inputIds[i] as bigint;
  return ids;
}

const PAD_TOKENS = ['[PAD]', '<pad>', '<PAD>', '<|pad|>'];

/**
 * `maxLength`, `padId` and the unknown token from a tokenizer.json's `truncation`, `padding` and
 * `model` (`unk_token`, or a Unigram model's `unk_id`). Without `padding` (as most tokenizer.json files on the Hub are saved), the pad id is
 * that of an added token named `[PAD]` or `<pad>`, if any.
 */
export function tokenizerLimits(json: unknown): { maxLength?: number; padId?: number; unknownToken?: string } {
  const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const root = record(json);
  const maxLength = record(root['truncation'])['max_length'];
  const added = Array.isArray(root['added_tokens']) ? (root['added_tokens'] as unknown[]).map(record) : [];
  const padId = record(root['padding'])['pad_id'] ?? added.find((t) => PAD_TOKENS.includes(t['content'] as string))?.['id'];
  const model = record(root['model']);
  // Unigram (SentencePiece) names its unknown piece by index: "unk_id" into [piece, score] pairs.
  const unigramUnknown =
    Array.isArray(model['vocab']) && typeof model['unk_id'] === 'number' ? (model['vocab'][model['unk_id']] as unknown[] | undefined)?.[0] : undefined;
  const unknownToken = model['unk_token'] ?? unigramUnknown;
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
 * ids, position ids 0…L−1 (as Hugging Face models number right-padded positions); TextInputError
 * names any other input, which a text alone cannot fill.
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
    else if (name === 'position_ids') inputs[name] = { data: BigInt64Array.from({ length: shape[1] as number }, (_, i) => BigInt(i)), shape };
    else if (!inputs[name])
      throw new TextInputError(`the model input "${name}" is not one a text fills (input ids, attention_mask, token_type_ids, position_ids)`);
  }
  return { inputs, idsName, shape };
}

/** What a token model says about its inputs' lengths (the token-layer explainer of @ig/onnx gives both). */
export interface TokenModelShape {
  /** The graph inputs' declared shapes: a number for a fixed axis, null for a free one (or an unknown shape). */
  readonly inputShapes: ReadonlyMap<string, readonly (number | null)[] | null>;
  /** How many tokens the model has position embeddings for; undefined when unknown. */
  readonly maxPositions: number | undefined;
}

/**
 * The `maxLength` and `pad` of encodeText for a model: its ids input's fixed axis 1 when it has
 * one (a model exported padded to a length), else the tokenizer's `truncation.max_length` (the
 * text padded to it), else the model's number of position embeddings (the text not padded), else
 * none. Most tokenizer.json files are saved without "truncation", so the model decides.
 */
export function modelSequenceLength(
  model: TokenModelShape,
  idsName: string,
  tokenizerMaxLength: number | undefined,
): { maxLength: number | undefined; pad: boolean } {
  const fixed = model.inputShapes.get(idsName)?.[1];
  if (typeof fixed === 'number') return { maxLength: fixed, pad: true };
  const limits = [tokenizerMaxLength, model.maxPositions].filter((n): n is number => n !== undefined);
  return { maxLength: limits.length > 0 ? Math.min(...limits) : undefined, pad: tokenizerMaxLength !== undefined };
}
