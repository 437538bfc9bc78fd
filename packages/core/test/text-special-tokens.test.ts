import { describe, expect, it } from 'vitest';
import { encodeText, textBaselineIds, textModelInputs, tokenizerLimits, tokenizerWordBoundary, wordSums, type TokenizerLike } from '../src/index.js';

/** Whitespace words of a fixed vocabulary with a BERT-style post-processor: [CLS] … [SEP]. */
const vocabulary = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'free', 'money', 'now'];
const bertLike: TokenizerLike = {
  encode(text, options) {
    const words = text
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => (vocabulary.includes(w) ? w : '[UNK]'));
    const tokens = options?.add_special_tokens === false || words.length === 0 ? words : ['[CLS]', ...words, '[SEP]'];
    return { tokens, ids: tokens.map((t) => vocabulary.indexOf(t)) };
  },
};

describe('encodeText with the post-processor special tokens', () => {
  it('adds [CLS] and [SEP], marks them special, and keeps them in the baseline ids', () => {
    const e = encodeText(bertLike, 'free money', { maxLength: 6 });
    expect(e.tokens).toEqual(['[CLS]', 'free', 'money', '[SEP]']);
    expect(e.special).toEqual([0, 3]);
    expect(Array.from(e.inputIds)).toEqual([2n, 4n, 5n, 3n, 0n, 0n]);
    expect(Array.from(textBaselineIds(e, 1))).toEqual([2n, 1n, 1n, 3n, 0n, 0n]);
  });

  it('truncation keeps [SEP] at the end; addSpecialTokens: false leaves the text as it is', () => {
    const e = encodeText(bertLike, 'free money now free', { maxLength: 4 });
    expect(e.tokens).toEqual(['[CLS]', 'free', 'money', '[SEP]']);
    expect(e.truncatedFrom).toBe(6);
    expect(e.warnings[0]).toMatch(/6 tokens; the model takes at most 4/);
    expect(encodeText(bertLike, 'free money', { maxLength: 4, addSpecialTokens: false }).special).toEqual([]);
  });

  it('without maxLength the text is neither padded nor truncated; a text of special tokens only is refused', () => {
    const e = encodeText(bertLike, 'free money now free money now', { maxLength: undefined });
    expect(e.inputIds).toHaveLength(8);
    expect(e.warnings).toEqual([]);
    expect(() => encodeText(bertLike, ' ', { maxLength: undefined })).toThrow(/no tokens/);
  });

  it('a tokenizer.json without "padding" takes the pad id of its [PAD] or <pad> added token; Unigram names <unk> by unk_id', () => {
    const added = (content: string, id: number) => ({ id, content, special: true });
    expect(tokenizerLimits({ padding: null, added_tokens: [added('<s>', 0), added('<pad>', 1)] })).toEqual({ padId: 1 });
    expect(tokenizerLimits({ padding: { pad_id: 3 }, added_tokens: [added('[PAD]', 0)] })).toEqual({ padId: 3 });
    expect(tokenizerLimits({ padding: null, added_tokens: [added('<|endoftext|>', 50256)] })).toEqual({});
    const unigram = {
      type: 'Unigram',
      unk_id: 2,
      vocab: [
        ['<pad>', 0],
        ['</s>', 0],
        ['<unk>', 0],
        ['▁the', -3],
      ],
    };
    expect(tokenizerLimits({ model: unigram }).unknownToken).toBe('<unk>');
  });

  it('an unknown piece is found by its id too (Unigram keeps its text)', () => {
    const unigramLike: TokenizerLike = { encode: () => ({ tokens: ['▁the', '42'], ids: [4, 2] }) };
    const e = encodeText(unigramLike, 'the 42', { maxLength: undefined, unknownToken: '<unk>', unknownId: 2 });
    expect(e.unknown).toEqual([1]);
    expect(e.warnings[0]).toMatch(/1 of 2 tokens are unknown to the tokenizer \(<unk>\)/);
  });

  it('textModelInputs numbers position_ids 0…L−1 over the padded length', () => {
    const e = encodeText(bertLike, 'free', { maxLength: 5 });
    const { inputs } = textModelInputs(['input_ids', 'attention_mask', 'position_ids'], e);
    expect(Array.from(inputs['position_ids']?.data ?? [])).toEqual([0n, 1n, 2n, 3n, 4n]);
  });
});

describe('words of byte-level BPE and SentencePiece tokens', () => {
  it('Ġ starts a word; punctuation is a word of its own; the sums keep the total', () => {
    const w = wordSums(['T', 'he', 'Ġmovie', ',', 'Ġwas', 'Ġn', 'ot', '!'], [1, 2, 3, 4, 5, 6, 7, 8], { wordStart: 'Ġ' });
    expect(w.words).toEqual(['The', 'movie', ',', 'was', 'not', '!']);
    expect(Array.from(w.values)).toEqual([3, 3, 4, 5, 13, 8]);
    expect(w.firstToken).toEqual([0, 2, 3, 4, 5, 7]);
    // Byte-level BPE writes é as the signs Ã©: they stay in their word.
    expect(wordSums(['Ġcaf', 'Ã', '©', '!'], [1, 1, 1, 1], { wordStart: 'Ġ' }).words).toEqual(['cafÃ©', '!']);
  });

  it('▁ starts a word, a special token stands alone, and an empty marker makes every token a word', () => {
    const w = wordSums(['▁the', '▁a', 'c', 't', 'ing', '</s>'], [1, 1, 1, 1, 1, 0], { wordStart: '▁' }, [5]);
    expect(w.words).toEqual(['the', 'acting', '</s>']);
    expect(Array.from(w.values)).toEqual([1, 4, 0]);
    expect(wordSums(['a', 'b'], [1, 2], { wordStart: '' }).words).toEqual(['a', 'b']);
    expect(wordSums(['[CLS]', '##s'], [1, 2], '##', [0]).words).toEqual(['[CLS]', '##s']);
  });

  it('reads the boundary from tokenizer.json: WordPiece prefix, ByteLevel, Metaspace (also in a Sequence)', () => {
    expect(tokenizerWordBoundary({ model: { type: 'WordPiece', continuing_subword_prefix: '##' } })).toEqual({ continuation: '##' });
    expect(tokenizerWordBoundary({ model: { type: 'BPE', continuing_subword_prefix: '' }, pre_tokenizer: { type: 'ByteLevel' } })).toEqual({ wordStart: 'Ġ' });
    const sequence = { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Metaspace', replacement: '▁' }] };
    expect(tokenizerWordBoundary({ model: { type: 'Unigram' }, pre_tokenizer: sequence })).toEqual({ wordStart: '▁' });
    expect(tokenizerWordBoundary({ model: { type: 'BPE' }, pre_tokenizer: { type: 'Whitespace' } })).toEqual({ wordStart: '' });
  });
});
