import { ShapeMismatchError, TargetError } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * One number per token: a layer attribution of shape `[1, tokens, features]` (an embedding
 * output) summed over its last axis. `[1, tokens]` is returned as it is.
 */
export function tokenSums(attribution: Tensor): Float32Array {
  const { shape, data } = attribution;
  if (shape.length < 2 || shape[0] !== 1) {
    throw new ShapeMismatchError(`token sums need one example of shape [1, tokens, ...], got [${shape.join(', ')}]`);
  }
  const tokens = shape[1] as number;
  const features = data.length / tokens;
  const sums = new Float32Array(tokens);
  for (let t = 0; t < tokens; t++) {
    let sum = 0;
    for (let f = 0; f < features; f++) sum += data[t * features + f] as number;
    sums[t] = sum;
  }
  return sums;
}

export interface WordSums {
  readonly words: readonly string[];
  readonly values: Float32Array;
  /** For each word, the index of its first token. */
  readonly firstToken: readonly number[];
}

/**
 * How a tokenizer marks words: WordPiece marks a piece that continues a word (`##`); byte-level
 * BPE (GPT-2's `Ġ`) and SentencePiece (`▁`) mark a token that starts one.
 */
export type WordBoundary = { readonly continuation: string } | { readonly wordStart: string };

// ASCII only: byte-level BPE writes the bytes of non-ASCII text as Latin-1 signs (é is `Ã©`),
// which must stay inside their word.
const PUNCTUATION = /^[!-/:-@[-`{-~]+$/;

/**
 * Sums sub-word token attributions per word. With `{ continuation: '##' }` (or the string) a
 * token starting with the prefix joins the word before it, the prefix dropped from the word's
 * text; with `{ wordStart: 'Ġ' }` a token joins the word before it unless it starts with the
 * marker or it or the token before it is ASCII punctuation. Special tokens (positions in `special`)
 * are words of their own.
 */
export function wordSums(
  tokens: readonly string[],
  values: ArrayLike<number>,
  boundary: string | WordBoundary = '##',
  special: readonly number[] = [],
): WordSums {
  if (tokens.length > values.length) {
    throw new ShapeMismatchError(`${tokens.length} tokens but ${values.length} attribution values`);
  }
  const rule: WordBoundary = typeof boundary === 'string' ? { continuation: boundary } : boundary;
  const isSpecial = new Set(special);
  const words: string[] = [];
  const sums: number[] = [];
  const firstToken: number[] = [];
  tokens.forEach((token, i) => {
    let joins = words.length > 0 && !isSpecial.has(i) && !isSpecial.has(i - 1);
    let text = token;
    if ('continuation' in rule) {
      joins &&= rule.continuation !== '' && token.startsWith(rule.continuation);
      if (joins) text = token.slice(rule.continuation.length);
    } else {
      const starts = rule.wordStart !== '' && token.startsWith(rule.wordStart);
      joins &&= rule.wordStart !== '' && !starts && !PUNCTUATION.test(token) && !PUNCTUATION.test(tokens[i - 1] ?? '');
      if (starts && token.length > rule.wordStart.length) text = token.slice(rule.wordStart.length);
    }
    if (joins) {
      words[words.length - 1] += text;
      sums[sums.length - 1] = (sums[sums.length - 1] as number) + (values[i] as number);
    } else {
      words.push(text);
      sums.push(values[i] as number);
      firstToken.push(i);
    }
  });
  return { words, values: Float32Array.from(sums), firstToken };
}

/**
 * The word boundary of a tokenizer.json: a WordPiece (or BPE) continuing-subword prefix, else the
 * ByteLevel pre-tokenizer's `Ġ` or the Metaspace replacement (`▁`), looked for inside a Sequence
 * too; `{ wordStart: '' }` (every token a word, punctuation apart) when none applies.
 */
export function tokenizerWordBoundary(json: unknown): WordBoundary {
  const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const root = record(json);
  const prefix = record(root['model'])['continuing_subword_prefix'];
  if (typeof prefix === 'string' && prefix !== '') return { continuation: prefix };
  const stages = (v: unknown): Record<string, unknown>[] => {
    const r = record(v);
    const inner = r['pretokenizers'] ?? r['decoders'];
    return Array.isArray(inner) ? (inner as unknown[]).flatMap(stages) : [r];
  };
  for (const stage of [...stages(root['pre_tokenizer']), ...stages(root['decoder'])]) {
    if (stage['type'] === 'ByteLevel') return { wordStart: '\u0120' };
    if (stage['type'] === 'Metaspace') return { wordStart: typeof stage['replacement'] === 'string' ? stage['replacement'] : '\u2581' };
  }
  return { wordStart: '' };
}

/**
 * Objective weights that select one element of a multi-dimensional output, such as
 * `[position, class]` of a token-classification output `[1, positions, classes]`: pass the result
 * as `target: { weights }`.
 */
export function targetAt(outputShape: readonly number[], index: readonly number[]): Float32Array {
  const dims = outputShape[0] === 1 ? outputShape.slice(1) : outputShape;
  if (index.length !== dims.length) {
    throw new TargetError(`target index [${index.join(', ')}] has ${index.length} entries; the output [${outputShape.join(', ')}] needs ${dims.length}`);
  }
  let flat = 0;
  index.forEach((value, axis) => {
    const size = dims[axis] as number;
    if (!Number.isInteger(value) || value < 0 || value >= size) {
      throw new TargetError(`target index [${index.join(', ')}]: entry ${axis} must be an integer in 0..${size - 1}`);
    }
    flat = flat * size + value;
  });
  const weights = new Float32Array(dims.reduce((a, b) => a * b, 1));
  weights[flat] = 1;
  return weights;
}
