#!/usr/bin/python3
"""Tiny PyTorch modules whose ONNX export holds the ops that super-resolution, attention and
ranking heads bring (DepthToSpace from PixelShuffle, Einsum, CumSum, TopK, GatherElements,
ReduceProd, Celu, Atan), with the input gradient of one logit per point by PyTorch autograd:
the expected values of test/exported-ops-parity.test.ts.

  pixel_shuffle     Conv, PixelShuffle (DepthToSpace, CRD), Celu, strided Conv, average pool
  einsum_attention  attention written with torch.einsum (q·kᵀ, weights·v, a reduction over
                    the queries), Atan
  ranking           cumulative sum, top-k values, gather with repeated indices, product of a slice
  scatter_triangle  triangles of a matrix (Trilu), a row written in place (index_put, ScatterND)
                    and a scatter with distinct indices (ScatterElements); opsets 14 and up only

Each is exported at opset 13 (14 where noted) and at the highest opset this torch exports (17 for torch 1.13); the
script checks that each export holds the ops named above. The gradient is taken in float64 on
the same float32 weights and input, as in architecture_references.py.

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/exported_op_references.py
Writes packages/onnx/test/fixtures/exported-ops/: NAME-opsetK.onnx, NAME.input.npy,
NAME.gradient.npy and references.json.
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn
from torch.onnx._constants import ONNX_MAX_OPSET

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'exported-ops')
SEED = 11
POINTS = 2


class PixelShuffleHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.expand = nn.Conv2d(3, 12, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)
        self.reduce = nn.Conv2d(3, 4, 3, stride=2)
        self.celu = nn.CELU(0.8)
        self.fc = nn.Linear(4, 5)

    def forward(self, x):
        h = self.shuffle(torch.tanh(self.expand(x)))
        h = self.celu(self.reduce(h))
        return self.fc(h.mean(dim=(2, 3)))


class EinsumAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(8, 8)
        self.k = nn.Linear(8, 8)
        self.v = nn.Linear(8, 8)
        self.out = nn.Parameter(torch.randn(8, 5) * 0.3)

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        weights = torch.softmax(torch.einsum('bqd,bkd->bqk', q, k) / 8 ** 0.5, dim=-1)
        mixed = torch.atan(torch.einsum('bqk,bkd->bqd', weights, v))
        return torch.einsum('bqd,dc->bc', mixed, self.out)


class Ranking(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(6, 6)
        self.register_buffer('index', torch.tensor([[[0, 5, 5, 2, 0]] * 4]))
        self.fc = nn.Linear(4 * 3 + 4 * 5 + 4, 5)

    def forward(self, x):
        h = self.lin(x)
        top = torch.topk(torch.cumsum(h, dim=2), 3, dim=2).values
        picked = torch.gather(h, 2, self.index.expand(x.shape[0], -1, -1))
        product = torch.prod(torch.sigmoid(h[..., :3]) + 0.5, dim=2)
        return self.fc(torch.cat([top.flatten(1), picked.flatten(1), product], dim=1))


class ScatterTriangle(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(5, 5)
        self.register_buffer('index', torch.tensor([[[4, 0, 2], [1, 3, 0], [2, 2, 3], [0, 1, 4], [3, 4, 1]]]))
        self.fc = nn.Linear(2 * 25, 5)

    def forward(self, x):
        h = self.lin(x)
        t = torch.triu(h, diagonal=1) + torch.tril(torch.tanh(h), diagonal=-1)
        u = h.clone()
        u[:, 1] = torch.sigmoid(t[:, 3])
        w = h.scatter(1, self.index.expand(x.shape[0], -1, -1), t[:, :, :3])
        return self.fc(torch.cat([u.flatten(1), w.flatten(1)], dim=1))


# name: (module, input shape without the batch axis, ops its export must hold, opsets below the highest)
CASES = {
    'pixel_shuffle': (PixelShuffleHead, (3, 6, 6), {'DepthToSpace', 'Celu'}, [13]),
    'einsum_attention': (EinsumAttention, (6, 8), {'Einsum', 'Atan'}, [13]),
    'ranking': (Ranking, (4, 6), {'CumSum', 'TopK', 'GatherElements', 'ReduceProd'}, [13]),
    # torch exports triu as Trilu from opset 14 only.
    'scatter_triangle': (ScatterTriangle, (5, 5), {'Trilu', 'ScatterND', 'ScatterElements'}, [14]),
}


def gradient(model, x, targets):
    point = x.clone().requires_grad_(True)
    logits = model(point)
    (g,) = torch.autograd.grad(logits.gather(1, targets[:, None]).sum(), point)
    return logits.detach(), g


def make_case(name):
    build, shape, ops, lower = CASES[name]
    torch.manual_seed(SEED)
    model = build().eval()
    x = torch.randn(POINTS, *shape)
    with torch.no_grad():
        logits = model(x)
    targets = torch.cat([logits[:1].argmax(dim=1), logits[1:].argmin(dim=1)])
    _, g32 = gradient(model, x, targets)
    logits64, g64 = gradient(model.double(), x.double(), targets)
    model.float()
    files = {}
    for opset in sorted({*lower, ONNX_MAX_OPSET}):
        file = f'{name}-opset{opset}.onnx'
        path = os.path.join(OUT, file)
        torch.onnx.export(model, x[:1], path, input_names=['input'], output_names=['logits'],
                          dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset_version=opset)
        exported = {n.op_type for n in onnx.load(path).graph.node}
        if not ops <= exported:
            sys.exit(f'{file} lacks {sorted(ops - exported)}; it holds {sorted(exported)}')
        files[str(opset)] = file
    np.save(os.path.join(OUT, f'{name}.input.npy'), x.numpy())
    np.save(os.path.join(OUT, f'{name}.gradient.npy'), g64.numpy().astype(np.float32))
    scale = float(g64.abs().max())
    return {
        'models': files,
        'input': f'{name}.input.npy',
        'gradient': f'{name}.gradient.npy',
        'targets': targets.tolist(),
        'logits': logits64.gather(1, targets[:, None])[:, 0].tolist(),
        'torchFloat32Deviation': float((g32.double() - g64).abs().max()) / scale,
        'ops': sorted(ops),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = {name: make_case(name) for name in CASES}
    with open(os.path.join(OUT, 'references.json'), 'w') as f:
        json.dump({
            'script': 'packages/onnx/scripts/exported_op_references.py',
            'versions': {'torch': torch.__version__, 'onnx': onnx.__version__, 'numpy': np.__version__,
                         'python': sys.version.split()[0]},
            'seed': SEED,
            'gradient': 'd logits[k, targets[k]] / d input[k] by autograd in float64 on the float32 weights',
            'cases': cases,
        }, f, indent=1)
        f.write('\n')
    for name, c in cases.items():
        print(name, 'targets', c['targets'], 'torch float32 deviation', f"{c['torchFloat32Deviation']:.1e}")


if __name__ == '__main__':
    main()
