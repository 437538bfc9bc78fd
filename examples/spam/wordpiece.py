"""BERT normalizer, BERT pre-tokenizer and WordPiece model, as the Hugging Face tokenizer.json
components `BertNormalizer` (clean_text, handle_chinese_chars, lowercase, strip accents),
`BertPreTokenizer` and `WordPiece` define them; the JS tests check that @huggingface/tokenizers
gives the same ids on held-out messages (model/token-check.json)."""
import unicodedata

# JavaScript's \s, which the JS normalizer maps to a space.
JS_SPACE = set('\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff') | {chr(c) for c in range(0x2000, 0x200b)}


def _control(c):
    return c not in '\t\n\r' and unicodedata.category(c) in ('Cc', 'Cf', 'Co', 'Cs')


def _chinese(cp):
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


def _punctuation(c):
    cp = ord(c)
    if 0x21 <= cp <= 0x2F or 0x3A <= cp <= 0x40 or 0x5B <= cp <= 0x60 or 0x7B <= cp <= 0x7E:
        return True
    return unicodedata.category(c).startswith('P')


def bert_normalize(text):
    out = []
    for c in text:
        if c in ('\x00', '\ufffd') or _control(c):
            continue
        out.append(' ' if c in JS_SPACE else c)
    # Chinese characters are spaced one UTF-16 unit at a time, as the JS normalizer does.
    text = ''.join(f' {c} ' if _chinese(ord(c)) else c for c in out)
    text = unicodedata.normalize('NFD', text.lower())
    return ''.join(c for c in text if unicodedata.category(c) != 'Mn')


def bert_pre_tokenize(text):
    words, current = [], []
    for c in bert_normalize(text).strip(''.join(JS_SPACE)):
        if c in JS_SPACE:
            if current:
                words.append(''.join(current))
                current = []
        elif _punctuation(c):
            if current:
                words.append(''.join(current))
                current = []
            words.append(c)
        else:
            current.append(c)
    if current:
        words.append(''.join(current))
    return words


class WordPiece:
    def __init__(self, vocab, unk='[UNK]', prefix='##', max_chars=100):
        self.vocab, self.unk, self.prefix, self.max_chars = vocab, unk, prefix, max_chars

    def tokens(self, text):
        out = []
        for word in bert_pre_tokenize(text):
            if len(word) > self.max_chars:
                out.append(self.unk)
                continue
            pieces, start = [], 0
            while start < len(word):
                end, piece = len(word), None
                while start < end:
                    candidate = (self.prefix if start > 0 else '') + word[start:end]
                    if candidate in self.vocab:
                        piece = candidate
                        break
                    end -= 1
                if piece is None:
                    pieces = [self.unk]
                    break
                pieces.append(piece)
                start = end
            out.extend(pieces)
        return out

    def encode(self, text):
        return [self.vocab[t] for t in self.tokens(text)]

    def to_json(self, max_length):
        special = [{'id': self.vocab[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                    'normalized': False, 'special': True} for t in ('[PAD]', self.unk)]
        return {
            'version': '1.0',
            'truncation': {'direction': 'Right', 'max_length': max_length, 'strategy': 'LongestFirst', 'stride': 0},
            'padding': {'strategy': {'Fixed': max_length}, 'direction': 'Right', 'pad_to_multiple_of': None,
                        'pad_id': self.vocab['[PAD]'], 'pad_type_id': 0, 'pad_token': '[PAD]'},
            'added_tokens': special,
            'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                           'strip_accents': None, 'lowercase': True},
            'pre_tokenizer': {'type': 'BertPreTokenizer'},
            'post_processor': None,
            'decoder': {'type': 'WordPiece', 'prefix': self.prefix, 'cleanup': True},
            'model': {'type': 'WordPiece', 'unk_token': self.unk, 'continuing_subword_prefix': self.prefix,
                      'max_input_chars_per_word': self.max_chars, 'vocab': self.vocab},
        }
