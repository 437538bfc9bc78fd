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
 * Sums sub-word token attributions per word: a token starting with `continuationPrefix` (WordPiece's
 * `##`) joins the word before it, its prefix dropped from the word's text.
 */
export function wordSums(tokens: readonly string[], values: ArrayLike<number>, continuationPrefix = '##'): WordSums {
  if (tokens.length > values.length) {
    throw new ShapeMismatchError(`${tokens.length} tokens but ${values.length} attribution values`);
  }
  const words: string[] = [];
  const sums: number[] = [];
  const firstToken: number[] = [];
  tokens.forEach((token, i) => {
    const joins = continuationPrefix !== '' && token.startsWith(continuationPrefix) && words.length > 0;
    if (joins) {
      words[words.length - 1] += token.slice(continuationPrefix.length);
      sums[sums.length - 1] = (sums[sums.length - 1] as number) + (values[i] as number);
    } else {
      words.push(token);
      sums.push(values[i] as number);
      firstToken.push(i);
    }
  });
  return { words, values: Float32Array.from(sums), firstToken };
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
