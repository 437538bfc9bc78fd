"""Tiny transformer modules for the contextual-decomposition reference (cd_transformer_reference.py).

Each takes a float embedding x [batch, 6, 16] and an int64 attention_mask [batch, 6] (0 = padding),
as a text model cut at its embedding output does. Hidden 16, 2 heads, feed-forward 32.
- Encoder('additive'): BERT-style post-LN block, the additive (1 - mask) * -10000 attention mask,
  GELU (erf), a tanh pooler on token 0 and a 2-way classifier.
- Encoder('fill'): the same with DistilBERT's masked_fill by float32's minimum.
- Causal: GPT-2-style pre-LN block, the causal mask and the padding filled with -inf, GELU (tanh),
  a final LayerNorm and a 5-way head at every position.
"""
import torch
from torch import nn

HIDDEN, HEADS, FFN, LENGTH = 16, 2, 32, 6


def randomize_norm(norm):
    with torch.no_grad():
        norm.weight.normal_(1.0, 0.2)
        norm.bias.normal_(0.0, 0.2)
    return norm


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(HIDDEN, HIDDEN) for _ in range(4))

    def heads(self, t):
        b, length, _ = t.shape
        return t.view(b, length, HEADS, HIDDEN // HEADS).transpose(1, 2)

    def merge(self, t):
        b, _, length, _ = t.shape
        return t.transpose(1, 2).reshape(b, length, HIDDEN)

    def forward(self, x, mask_fn):
        q, k, v = self.heads(self.q(x)), self.heads(self.k(x)), self.heads(self.v(x))
        scores = mask_fn(q @ k.transpose(-1, -2) / (HIDDEN // HEADS) ** 0.5)
        return self.o(self.merge(scores.softmax(-1) @ v))


def padding_mask_fn(style, attention_mask):
    if style == 'additive':
        additive = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        return lambda s: s + additive
    blocked = (attention_mask == 0)[:, None, None, :]
    return lambda s: s.masked_fill(blocked, torch.finfo(torch.float32).min)


def causal_mask_fn(attention_mask, length):
    causal = torch.triu(torch.ones(length, length, dtype=torch.bool), diagonal=1)
    blocked = causal[None, None] | (attention_mask == 0)[:, None, None, :]
    return lambda s: s.masked_fill(blocked, float('-inf'))


class Encoder(nn.Module):
    def __init__(self, mask_style):
        super().__init__()
        self.mask_style = mask_style
        self.ln1, self.ln2 = randomize_norm(nn.LayerNorm(HIDDEN)), randomize_norm(nn.LayerNorm(HIDDEN))
        self.attention = Attention()
        self.ffn = nn.Sequential(nn.Linear(HIDDEN, FFN), nn.GELU(), nn.Linear(FFN, HIDDEN))
        self.pooler = nn.Linear(HIDDEN, HIDDEN)
        self.classifier = nn.Linear(HIDDEN, 2)

    def forward(self, x, attention_mask):
        h = self.ln1(x + self.attention(x, padding_mask_fn(self.mask_style, attention_mask)))
        h = self.ln2(h + self.ffn(h))
        return self.classifier(torch.tanh(self.pooler(h[:, 0])))


class Causal(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2, self.ln_f = (randomize_norm(nn.LayerNorm(HIDDEN)) for _ in range(3))
        self.attention = Attention()
        self.mlp = nn.Sequential(nn.Linear(HIDDEN, FFN), nn.GELU(approximate='tanh'), nn.Linear(FFN, HIDDEN))
        self.head = nn.Linear(HIDDEN, 5)

    def forward(self, x, attention_mask):
        h = x + self.attention(self.ln1(x), causal_mask_fn(attention_mask, x.shape[1]))
        h = h + self.mlp(self.ln2(h))
        return self.head(self.ln_f(h))
