import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../src/text/tokenizer-file.js';

// A WordLevel tokenizer as Hugging Face's WordLevelTrainer saves it: its model names unk_token.
// Hugging Face's WordLevel maps every word outside the vocabulary to that token's id.
const wordLevel = {
  version: '1.0',
  added_tokens: [
    { id: 0, content: '[PAD]', special: true, single_word: false, lstrip: false, rstrip: false, normalized: false },
    { id: 1, content: '[UNK]', special: true, single_word: false, lstrip: false, rstrip: false, normalized: false },
  ],
  normalizer: null,
  pre_tokenizer: { type: 'Whitespace' },
  post_processor: null,
  decoder: null,
  model: { type: 'WordLevel', vocab: { '[PAD]': 0, '[UNK]': 1, good: 2, movie: 3 }, unk_token: '[UNK]' },
};

describe('a WordLevel tokenizer.json', () => {
  it('gives words outside its vocabulary the id of its unk_token, as Hugging Face does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ig-word-level-'));
    const path = join(dir, 'tokenizer.json');
    writeFileSync(path, JSON.stringify(wordLevel));
    const loaded = loadTokenizer(join(dir, 'model.onnx'), path);
    expect(loaded.tokenizer.encode('xyz good movie', { add_special_tokens: false }).ids).toEqual([1, 2, 3]);
    expect(loaded.unknownToken).toBe('[UNK]');
  });
});
