"""Reference contextual decomposition of tiny transformers, rule by rule in PyTorch (float64).

Run with Debian's python3 (torch, onnx):  /usr/bin/python3 scripts/cd_transformer_reference.py

Exports the modules of cd_transformer_models.py at opsets 14 (LayerNorm as ReduceMean, Sub, Pow,
Sqrt, Div) and 17 (LayerNormalization) into test/fixtures/cd-transformer/, and writes
reference.json: for one input and fixed token groups, the relevant and irrelevant parts of the
output under these rules, module by module (the rules @ig/onnx's rewrite applies to the exported ops):
- Linear: the weights on each part, the bias split in proportion to |rel|, |irrel| (acd).
- LayerNorm: each part centered on its own mean, both divided by the standard deviation of the
  whole tensor, times the weight; the bias split as a Linear's.
- q·kᵀ and probabilities·values: the CD product rule (rel·rel and constant·rel to rel).
- Softmax: the Shapley split of S(x + mask) over the parts; S(mask) is the constant of the
  irrelevant part, given to the relevant part in the product with the values.
- GELU, tanh: the exported elementwise form, with the Shapley split for erf and tanh.
"""
import json
import math
import os

import torch

from cd_transformer_models import LENGTH, HIDDEN, Causal, Encoder, causal_mask_fn, padding_mask_fn

EPS = 1e-20
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'cd-transformer')


class Pair:
    def __init__(self, rel, irrel, constant=None):
        self.rel, self.irrel, self.constant = rel, irrel, constant

    @property
    def whole(self):
        return self.rel + self.irrel

    def map(self, f):
        return Pair(f(self.rel), f(self.irrel))

    def __add__(self, other):
        return Pair(self.rel + other.rel, self.irrel + other.irrel)


def split_bias(rel, irrel, bias):
    rel_weight, irrel_weight = rel.abs() + EPS, irrel.abs() + EPS
    total = rel_weight + irrel_weight
    return Pair(rel + rel_weight / total * bias, irrel + irrel_weight / total * bias)


def linear(p, module):
    weight = module.weight.double().t()
    return split_bias(p.rel @ weight, p.irrel @ weight, module.bias.double())


def shapley(p, f):
    whole = f(p.whole)
    rel = 0.5 * ((f(p.rel) - f(torch.zeros_like(p.rel))) + (whole - f(p.irrel)))
    return Pair(rel, whole - rel)


def product(a, b, multiply):
    with_constant = lambda p: p.rel if p.constant is None else p.rel + p.constant  # noqa: E731
    rel = multiply(with_constant(a), with_constant(b))
    if a.constant is not None and b.constant is not None:
        rel = rel - multiply(a.constant, b.constant)
    return Pair(rel, multiply(a.whole, b.whole) - rel)


def layer_norm(p, module):
    whole = p.whole
    deviation = torch.sqrt(whole.var(-1, unbiased=False, keepdim=True) + module.eps)
    centered = lambda t: (t - t.mean(-1, keepdim=True)) / deviation * module.weight.double()  # noqa: E731
    return split_bias(centered(p.rel), centered(p.irrel), module.bias.double())


def softmax(scores, mask_fn):
    f = lambda t: torch.softmax(mask_fn(t), -1)  # noqa: E731
    at_zero = f(torch.zeros_like(scores.rel))
    whole = f(scores.whole)
    rel = 0.5 * ((f(scores.rel) - at_zero) + (whole - f(scores.irrel)))
    return Pair(rel, whole - rel, at_zero)


def attention(p, module, mask_fn):
    q, k, v = (linear(p, m).map(module.heads) for m in (module.q, module.k, module.v))
    scores = product(q, k.map(lambda t: t.transpose(-1, -2)), torch.matmul).map(lambda t: t / math.sqrt(HIDDEN // 2))
    context = product(softmax(scores, mask_fn), v, torch.matmul)
    return linear(context.map(module.merge), module.o)


def gelu_erf(x):
    """As exported: x·(erf(x/√2) + 1)·½, the 1 split as a bias."""
    e = shapley(x.map(lambda t: t / math.sqrt(2)), torch.erf)
    return product(x, split_bias(e.rel, e.irrel, 1.0), torch.mul).map(lambda t: t * 0.5)


def gelu_tanh(x):
    """As exported: x·(1 + tanh(√(2/π)·(x + 0.044715·x·(x·x))))·½."""
    cube = product(x, product(x, x, torch.mul), torch.mul)
    inner = (x + cube.map(lambda t: t * 0.044715)).map(lambda t: t * math.sqrt(2 / math.pi))
    t = shapley(inner, torch.tanh)
    return product(x, split_bias(t.rel, t.irrel, 1.0), torch.mul).map(lambda u: u * 0.5)


def encoder_cd(model, p, attention_mask):
    h = layer_norm(p + attention(p, model.attention, padding_mask_fn(model.mask_style, attention_mask.double())), model.ln1)
    ffn = linear(gelu_erf(linear(h, model.ffn[0])), model.ffn[2])
    h = layer_norm(h + ffn, model.ln2)
    pooled = shapley(linear(h.map(lambda t: t[:, 0]), model.pooler), torch.tanh)
    return linear(pooled, model.classifier)


def causal_cd(model, p, attention_mask):
    h = p + attention(layer_norm(p, model.ln1), model.attention, causal_mask_fn(attention_mask, LENGTH))
    mlp = linear(gelu_tanh(linear(layer_norm(h, model.ln2), model.mlp[0])), model.mlp[2])
    return linear(layer_norm(h + mlp, model.ln_f), model.head)


MODELS = [
    ('encoder_additive', 11, lambda: Encoder('additive'), encoder_cd),
    ('encoder_fill', 12, lambda: Encoder('fill'), encoder_cd),
    ('causal', 13, Causal, causal_cd),
]
GROUPS = [[], list(range(LENGTH)), [0], [2], [LENGTH - 1], [1, 2, 3], [3, 4]]


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    x = torch.randn(1, LENGTH, HIDDEN)
    attention_mask = torch.tensor([[1] * (LENGTH - 1) + [0]])
    cases = {}
    for name, seed, make, cd in MODELS:
        torch.manual_seed(seed)
        model = make().eval()
        for opset in (14, 17):
            torch.onnx.export(model, (x, attention_mask), os.path.join(OUT, f'{name}-opset{opset}.onnx'), input_names=['x', 'attention_mask'],
                              output_names=['logits'], dynamic_axes={'x': {0: 'batch'}, 'attention_mask': {0: 'batch'}, 'logits': {0: 'batch'}},
                              opset_version=opset, do_constant_folding=True)
        model = model.double()
        relevant, irrelevant = [], []
        with torch.no_grad():
            output = model(x.double(), attention_mask)[0]
            for group in GROUPS:
                mask = torch.zeros(1, LENGTH, 1, dtype=torch.float64)
                mask[0, group] = 1
                parts = cd(model, Pair(mask * x.double(), (1 - mask) * x.double()), attention_mask)
                relevant.append(parts.rel[0].flatten().tolist())
                irrelevant.append(parts.irrel[0].flatten().tolist())
                assert torch.allclose(parts.whole[0], output, atol=1e-10), (name, group)
        cases[name] = {'output': output.flatten().tolist(), 'relevant': relevant, 'irrelevant': irrelevant}
    reference = {'generator': 'scripts/cd_transformer_reference.py', 'torch': torch.__version__, 'x': x.flatten().tolist(),
                 'shape': list(x.shape), 'attentionMask': attention_mask[0].tolist(), 'groups': GROUPS, 'cases': cases}
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(reference, f)
    print('wrote', OUT)


if __name__ == '__main__':
    main()
