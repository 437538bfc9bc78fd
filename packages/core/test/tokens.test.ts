import { describe, expect, it } from 'vitest';
import {
  encodeText,
  idsInputName,
  targetAt,
  TargetError,
  textModelInputs,
  TextInputError,
  tokenizerLimits,
  tokenSums,
  wordSums,
  type TokenizerLike,
} from '../src/index.js';

/** Whitespace words; ids from a fixed vocabulary, 1 = [UNK]. */
const vocabulary = ['[PAD]', '[UNK]', 'free', 'money', 'now', '##s'];
const tokenizer: TokenizerLike = {
  encode(text) {
    const tokens = text
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => (vocabulary.includes(w) ? w : '[UNK]'));
    return { tokens, ids: tokens.map((t) => vocabulary.indexOf(t)) };
  },
};

describe('token attribution helpers', () => {
  it('tokenSums sums the feature axis; wordSums joins ## pieces and keeps the total', () => {
    const data = Float32Array.from([1, 2, 3, -1, -2, -3, 0.5, 0.25, 0.25]);
    const sums = tokenSums({ data, shape: [1, 3, 3] });
    expect(Array.from(sums)).toEqual([6, -6, 1]);
    const words = wordSums(['money', '##s', 'now'], sums);
    expect(words.words).toEqual(['moneys', 'now']);
    expect(Array.from(words.values)).toEqual([0, 1]);
    expect(words.firstToken).toEqual([0, 2]);
    expect(() => tokenSums({ data, shape: [9] })).toThrow(/one example of shape \[1, tokens/);
  });

  it('targetAt selects [position, class] of a sequence output', () => {
    const w = targetAt([1, 4, 3], [2, 1]);
    expect(w.length).toBe(12);
    expect(Array.from(w).indexOf(1)).toBe(2 * 3 + 1);
    expect(w.reduce((a, b) => a + b, 0)).toBe(1);
    expect(() => targetAt([1, 4, 3], [4, 0])).toThrow(TargetError);
    expect(() => targetAt([1, 4, 3], [1])).toThrow(/needs 2/);
  });
});

describe('encodeText', () => {
  it('pads to maxLength with a mask of ones on the tokens', () => {
    const e = encodeText(tokenizer, 'free money', { maxLength: 4 });
    expect(Array.from(e.inputIds)).toEqual([2n, 3n, 0n, 0n]);
    expect(Array.from(e.attentionMask)).toEqual([1n, 1n, 0n, 0n]);
    expect(e.warnings).toEqual([]);
  });

  it('truncates a long text with a warning, or refuses it with tooLong: error', () => {
    const e = encodeText(tokenizer, 'free money now free money', { maxLength: 3 });
    expect(e.tokens).toEqual(['free', 'money', 'now']);
    expect(e.truncatedFrom).toBe(5);
    expect(e.warnings[0]).toMatch(/5 tokens; the model takes at most 3/);
    expect(() => encodeText(tokenizer, 'free money now free', { maxLength: 3, tooLong: 'error' })).toThrow(TextInputError);
  });

  it('reports unknown tokens and refuses an empty text', () => {
    const e = encodeText(tokenizer, 'free lunch', { maxLength: 4, pad: false });
    expect(e.unknown).toEqual([1]);
    expect(e.inputIds.length).toBe(2);
    expect(e.warnings[0]).toMatch(/1 of 2 tokens are unknown/);
    expect(() => encodeText(tokenizer, '   ', { maxLength: 4 })).toThrow(/no tokens \(it is empty\)/);
  });

  it('reads maxLength, padId and the unknown token from tokenizer.json fields', () => {
    expect(tokenizerLimits({ truncation: { max_length: 128 }, padding: { pad_id: 0 }, model: { unk_token: '[UNK]' } })).toEqual({
      maxLength: 128,
      padId: 0,
      unknownToken: '[UNK]',
    });
    expect(tokenizerLimits({ truncation: null })).toEqual({});
  });
});

describe('textModelInputs', () => {
  const encoded = encodeText(tokenizer, 'free money', { maxLength: 4 });

  it('fills the ids, the attention mask and zero token type ids by name', () => {
    const { inputs, idsName, shape } = textModelInputs(['input_ids', 'attention_mask', 'token_type_ids'], encoded);
    expect(idsName).toBe('input_ids');
    expect(shape).toEqual([1, 4]);
    expect(Array.from(inputs['input_ids']?.data ?? [])).toEqual([2n, 3n, 0n, 0n]);
    expect(Array.from(inputs['attention_mask']?.data ?? [])).toEqual([1n, 1n, 0n, 0n]);
    expect(Array.from(inputs['token_type_ids']?.data ?? [])).toEqual([0n, 0n, 0n, 0n]);
  });

  it('takes the ids input by its name, not its place, and names an input a text cannot fill', () => {
    expect(idsInputName(['attention_mask', 'token_type_ids', 'ids'])).toBe('ids');
    expect(() => textModelInputs(['input_ids', 'position_bias'], encoded)).toThrow(/"position_bias" is not one a text fills/);
  });
});
