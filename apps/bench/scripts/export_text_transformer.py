#!/usr/bin/python3
"""Exports a BERT-sized-down text classifier with an attention mask to ONNX for the text benchmarks:
token embedding + learned positions, 4 transformer encoder layers (d 256, 4 heads, feed-forward
1024, GELU, padding masked out of attention), mean over the real tokens, a linear head of 2
classes. Inputs `input_ids` and `attention_mask` (int64, [batch, sequence], sequence dynamic),
output `logits`. Seeded random weights: the benchmark measures cost, not accuracy.

Needs Debian's python3-torch; run with /usr/bin/python3.
Usage: export_text_transformer.py OUT_FILE
"""
import sys

import torch
from torch import nn

VOCABULARY, WIDTH, LAYERS, HEADS, FEED_FORWARD, MAX_LENGTH = 5000, 256, 4, 4, 1024, 512


class TextClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, WIDTH)
        self.positions = nn.Parameter(torch.randn(1, MAX_LENGTH, WIDTH) * 0.02)
        layer = nn.TransformerEncoderLayer(WIDTH, HEADS, FEED_FORWARD, dropout=0.0, activation='gelu', batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.head = nn.Linear(WIDTH, 2)

    def forward(self, input_ids, attention_mask):
        x = self.embedding(input_ids) + self.positions[:, : input_ids.shape[1]]
        x = self.encoder(x, src_key_padding_mask=attention_mask == 0)
        weights = attention_mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * weights).sum(1) / weights.sum(1)
        return self.head(pooled)


def main(out):
    torch.manual_seed(0)
    model = TextClassifier().eval()
    ids = torch.randint(1, VOCABULARY, (1, 128))
    mask = torch.ones(1, 128, dtype=torch.int64)
    mask[:, 100:] = 0
    # Tracing with gradients on keeps torch off its fused encoder kernel, which has no ONNX export.
    with torch.enable_grad():
        torch.onnx.export(
            model,
            (ids, mask),
            out,
            input_names=['input_ids', 'attention_mask'],
            output_names=['logits'],
            dynamic_axes={'input_ids': {0: 'batch', 1: 'sequence'}, 'attention_mask': {0: 'batch', 1: 'sequence'}, 'logits': {0: 'batch'}},
            opset_version=17,
        )


if __name__ == '__main__':
    main(sys.argv[1])
