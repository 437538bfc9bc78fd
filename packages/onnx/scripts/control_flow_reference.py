#!/usr/bin/python3
"""A scripted recurrent classifier with TorchScript control flow, and the input gradient of one of
its logits by PyTorch autograd in float64: the expected values of test/control-flow-torchscript.test.ts.

The network (torch.jit.script, so the export keeps the control flow): a hand-written RNN cell
h <- tanh(W x + U h + i/8) applied 5 times over a constant range (an ONNX Loop of a constant trip
count carrying h and reading x from the outer scope), then `if x.shape[1] > 3:` a gated branch, else a plain one (an
ONNX If whose condition follows from the input's shape), then a linear head to 3 logits.

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/control_flow_reference.py
Writes packages/onnx/test/fixtures/control-flow/scripted_rnn.onnx (opset 13) and
scripted_rnn_reference.json (input, logits and the float64 gradient of one logit), and checks
that the export holds a Loop and an If.
"""
import json
import os

import numpy as np
import onnx
import torch
import torch.nn as nn

TARGET = 1
FEATURES = 6
HIDDEN = 5


class ScriptedRnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(FEATURES, HIDDEN)
        self.rec = nn.Linear(HIDDEN, HIDDEN, bias=False)
        self.gate = nn.Linear(FEATURES, HIDDEN)
        self.head = nn.Linear(HIDDEN, 3)
        # The exporter unrolls a loop over a literal range itself; a range read from a constant
        # buffer stays a Loop (its trip count an int64 initializer, its condition constant true).
        self.register_buffer('steps', torch.tensor(5))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.zeros_like(self.inp(x))
        for i in range(int(self.steps)):
            h = torch.tanh(self.inp(x) + self.rec(h) + i / 8.0)
        if x.shape[1] > 3:
            h = h * torch.sigmoid(self.gate(x)) + x[:, 0:5]
        else:
            h = -h
        return self.head(h)


def main():
    torch.manual_seed(7)
    model = ScriptedRnn().eval()
    scripted = torch.jit.script(model)
    x = torch.randn(1, FEATURES, generator=torch.Generator().manual_seed(3))
    out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'control-flow')
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, 'scripted_rnn.onnx')
    torch.onnx.export(scripted, (x,), path, opset_version=13, input_names=['x'], output_names=['logits'],
                      do_constant_folding=False, dynamic_axes={'x': {0: 'batch', 1: 'features'}})
    ops = {node.op_type for node in onnx.load(path).graph.node}
    assert {'Loop', 'If'} <= ops, f'the export lost its control flow: {sorted(ops)}'

    double = model.double()
    x64 = x.double().requires_grad_(True)
    logits = double(x64)
    logits[0, TARGET].backward()
    reference = {
        'target': TARGET,
        'dims': list(x.shape),
        'input': x.flatten().tolist(),
        'logits': logits.detach().flatten().tolist(),
        'gradient': x64.grad.flatten().tolist(),
    }
    with open(os.path.join(out, 'scripted_rnn_reference.json'), 'w') as f:
        json.dump(reference, f)
    np.save('/tmp/scripted_rnn_input.npy', x.numpy())
    print('ops:', sorted(ops))


if __name__ == '__main__':
    main()
