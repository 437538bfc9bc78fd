#!/usr/bin/python3
"""Small seeded PyTorch recurrent models exported to ONNX (LSTM, GRU, RNN nodes), with the input
gradients of one logit per point by PyTorch autograd in float64: the expected values of
test/recurrent-parity.test.ts.

Each sequence model is `cell` (nn.LSTM, nn.GRU, nn.RNN with tanh or relu) followed by a Linear
head that reads every output the op has: the mean of the output sequence, the sum of the final
hidden states (and of the final cell states, LSTM). Per cell type four configurations cover
unidirectional and bidirectional, 1 and 2 layers, batch_first true and false, and initial states
given as model inputs or left at zero. `text_lstm` is a text classifier (Embedding → LSTM →
Linear on token ids) whose gradient is taken at the embedding output. Each is exported at opset
13 and at the highest opset this torch exports (17 for torch 1.13), with dynamic batch and
sequence axes. The gradient is taken in float64 on the same (float32) weights and inputs, so it is
the exact gradient of the float32 model up to float64 rounding.

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/recurrent_references.py
Writes packages/onnx/test/fixtures/recurrent/: NAME-opsetK.onnx, NAME.INPUT.npy,
NAME.INPUT.gradient.npy and references.json.
"""
import json
import os
import sys

import numpy as np
import torch
from torch import nn
from torch.onnx._constants import ONNX_MAX_OPSET

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'recurrent')
OPSETS = sorted({13, ONNX_MAX_OPSET})
SEED = 11
INPUT, HIDDEN, CLASSES, LENGTH, POINTS = 5, 6, 4, 7, 2
VOCAB, EMBEDDING = 20, 8

CELLS = {
    'lstm': lambda **kw: nn.LSTM(INPUT, HIDDEN, **kw),
    'gru': lambda **kw: nn.GRU(INPUT, HIDDEN, **kw),
    'rnn_tanh': lambda **kw: nn.RNN(INPUT, HIDDEN, nonlinearity='tanh', **kw),
    'rnn_relu': lambda **kw: nn.RNN(INPUT, HIDDEN, nonlinearity='relu', **kw),
}
# (suffix, bidirectional, layers, batch_first, initial states as inputs)
CONFIGS = [
    ('uni1', False, 1, False, False),
    ('bi2_bf_init', True, 2, True, True),
    ('bi1_init', True, 1, False, True),
    ('uni2_bf', False, 2, True, False),
]


class Sequence(nn.Module):
    def __init__(self, cell, bidirectional, layers, batch_first):
        super().__init__()
        self.rnn = CELLS[cell](num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
        self.lstm = cell == 'lstm'
        self.batch_first = batch_first
        width = HIDDEN * (2 if bidirectional else 1)
        self.head = nn.Linear(width + HIDDEN * (2 if self.lstm else 1), CLASSES)

    def forward(self, x, *states):
        if self.lstm:
            y, (h, c) = self.rnn(x, tuple(states) if states else None)
            finals = [h.sum(0), c.sum(0)]
        else:
            y, h = self.rnn(x, states[0] if states else None)
            finals = [h.sum(0)]
        return self.head(torch.cat([y.mean(1 if self.batch_first else 0), *finals], dim=1))


class TextLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMBEDDING)
        self.rnn = nn.LSTM(EMBEDDING, HIDDEN, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * HIDDEN, CLASSES)

    def forward(self, ids):
        return self.classify(self.embedding(ids))

    def classify(self, embedded):
        _, (h, _) = self.rnn(embedded)
        return self.head(torch.cat([h[0], h[1]], dim=1))


def targets_of(logits):
    # The predicted class at the first point, the least likely at the others.
    return torch.cat([logits[:1].argmax(dim=1), logits[1:].argmin(dim=1)])


def gradients(forward, inputs, targets):
    points = [x.clone().requires_grad_(True) for x in inputs]
    logits = forward(*points)
    grads = torch.autograd.grad(logits.gather(1, targets[:, None]).sum(), points)
    return logits.detach(), grads


def export(model, args, names, dynamic, name):
    files = {}
    for opset in OPSETS:
        file = f'{name}-opset{opset}.onnx'
        torch.onnx.export(model, args, os.path.join(OUT, file), input_names=names, output_names=['logits'],
                          dynamic_axes={**dynamic, 'logits': {0: 'batch'}}, opset_version=opset)
        files[str(opset)] = file
    return files


def save(name, key, array):
    file = f'{name}.{key}.npy'
    np.save(os.path.join(OUT, file), array)
    return file


def sequence_case(cell, suffix, bidirectional, layers, batch_first, with_states):
    name = f'{cell}_{suffix}'
    torch.manual_seed(SEED)
    model = Sequence(cell, bidirectional, layers, batch_first).eval()
    x = torch.randn(POINTS, LENGTH, INPUT) if batch_first else torch.randn(LENGTH, POINTS, INPUT)
    state_shape = (layers * (2 if bidirectional else 1), POINTS, HIDDEN)
    states = [0.5 * torch.randn(state_shape) for _ in range(2 if cell == 'lstm' else 1)] if with_states else []
    inputs = [x, *states]
    names = ['x', 'h0', 'c0'][:len(inputs)]
    with torch.no_grad():
        targets = targets_of(model(*inputs))
    logits64, g64 = gradients(model.double(), [t.double() for t in inputs], targets)
    _, g32 = gradients(model.float(), inputs, targets)
    seq = {1: 'seq', 0: 'batch'} if batch_first else {0: 'seq', 1: 'batch'}
    dynamic = {'x': seq, **{n: {1: 'batch'} for n in names[1:]}}
    files = export(model, tuple(inputs), names, dynamic, name)
    scale = max(float(g.abs().max()) for g in g64)
    return name, {
        'models': files,
        'inputs': {n: save(name, n, t.numpy()) for n, t in zip(names, inputs)},
        'gradients': {n: save(name, f'{n}.gradient', g.numpy().astype(np.float32)) for n, g in zip(names, g64)},
        'batchAxes': {n: (0 if batch_first else 1) if n == 'x' else 1 for n in names},
        'targets': targets.tolist(),
        'logits': logits64.gather(1, targets[:, None])[:, 0].tolist(),
        'torchFloat32Deviation': max(float((a.double() - b).abs().max()) for a, b in zip(g32, g64)) / scale,
    }


def text_case():
    name = 'text_lstm'
    torch.manual_seed(SEED)
    model = TextLstm().eval()
    ids = torch.randint(0, VOCAB, (POINTS, LENGTH))
    with torch.no_grad():
        targets = targets_of(model(ids))
        embedded = model.embedding(ids)
    logits64, (g64,) = gradients(model.double().classify, [embedded.double()], targets)
    _, (g32,) = gradients(model.float().classify, [embedded], targets)
    files = export(model, (ids,), ['ids'], {'ids': {0: 'batch', 1: 'seq'}}, name)
    return name, {
        'models': files,
        'ids': save(name, 'ids', ids.numpy()),
        'embedded': save(name, 'embedded', embedded.numpy()),
        'embeddingGradient': save(name, 'embedded.gradient', g64.numpy().astype(np.float32)),
        'targets': targets.tolist(),
        'logits': logits64.gather(1, targets[:, None])[:, 0].tolist(),
        'torchFloat32Deviation': float((g32.double() - g64).abs().max()) / float(g64.abs().max()),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = dict(sequence_case(cell, *config) for cell in CELLS for config in CONFIGS)
    cases.update([text_case()])
    with open(os.path.join(OUT, 'references.json'), 'w') as f:
        json.dump({
            'script': 'packages/onnx/scripts/recurrent_references.py',
            'versions': {'torch': torch.__version__, 'numpy': np.__version__, 'python': sys.version.split()[0]},
            'seed': SEED,
            'gradient': 'd logits[k, targets[k]] / d input by autograd in float64 on the float32 weights',
            'cases': cases,
        }, f, indent=1)
        f.write('\n')
    for name, c in cases.items():
        print(name, 'targets', c['targets'], 'torch float32 deviation', f"{c['torchFloat32Deviation']:.1e}")


if __name__ == '__main__':
    main()
