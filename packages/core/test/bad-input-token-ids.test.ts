import { describe, expect, it } from 'vitest';
import { encodeText, TextInputError, textBaselineIds, type TokenizerLike } from '../src/index.js';
import { expectRefusal } from './helpers/refusal.js';

/** Whitespace words whose ids come from `idOf`, as a tokenizer with a broken vocabulary may give them. */
const tokenizer = (idOf: (word: string) => unknown): TokenizerLike => ({
  encode(text) {
    const tokens = text.split(/\s+/).filter(Boolean);
    return { tokens, ids: tokens.map(idOf) as number[] };
  },
});
const vocabulary: Record<string, number> = { free: 4, money: 5, now: 6 };

describe('token ids that are not integers are refused, naming the token and its position', () => {
  it('an id that is undefined, null or fractional', async () => {
    for (const [bad, got] of [
      [undefined, 'undefined'],
      [null, 'null'],
      [4.5, '4.5'],
    ] as const) {
      const broken = tokenizer((word) => (word === 'money' ? bad : vocabulary[word]));
      await expectRefusal(
        () => encodeText(broken, 'free money now', { maxLength: 4 }),
        TextInputError,
        `the id of token 1 ("money") must be an integer, got ${got}; check the tokenizer's vocabulary and the ids it returns`,
      );
    }
  });

  it('padId and baselineId must be integers too; integer ids encode as before', async () => {
    const good = tokenizer((word) => vocabulary[word]);
    await expectRefusal(
      () => encodeText(good, 'free money', { maxLength: 4, padId: Number.NaN }),
      TextInputError,
      "padId must be an integer, got NaN; check the tokenizer's vocabulary and the ids it returns",
    );
    const encoded = encodeText(good, 'free money', { maxLength: 4 });
    expect(Array.from(encoded.inputIds)).toEqual([4n, 5n, 0n, 0n]);
    await expectRefusal(
      () => textBaselineIds(encoded, 0.5),
      TextInputError,
      "baselineId must be an integer, got 0.5; check the tokenizer's vocabulary and the ids it returns",
    );
    expect(Array.from(textBaselineIds(encoded, 1))).toEqual([1n, 1n, 0n, 0n]);
  });
});
