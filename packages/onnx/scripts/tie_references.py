#!/usr/bin/python3
"""Gradients at ties and kinks, computed by PyTorch autograd: the expected values of
test/tie-conventions.test.ts.

Each case is one ONNX node and the PyTorch expression it stands for. The inputs sit exactly on a
tie (equal inputs of Max/Min, equal elements of a pooling window or a reduction) or on a kink
(Relu at 0, Clip at its bounds, ...). The output gradient (the seed) holds multiples of 3/8, so
that halves and thirds of it, and their sums, are exact in float32.

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/tie_references.py
Writes packages/onnx/test/fixtures/ties/torch_ties.json (with the torch version that made it).
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)


def seed_like(shape, salt):
    g = torch.Generator().manual_seed(salt)
    k = torch.randint(1, 9, shape, generator=g) * (torch.randint(0, 2, shape, generator=g) * 2 - 1)
    return (k.to(torch.float32) * 3 / 8)


def stack_extreme(reduce):
    """ONNX Max/Min of n inputs: broadcast, stack, reduce over the stack (torch.amax / amin)."""
    return lambda *xs: reduce(torch.stack(torch.broadcast_tensors(*xs)), 0)


CASES = []


def case(name, check, torch_text, fn, opset, op, inputs, attributes=None, constants=None, node_inputs=None):
    CASES.append(dict(name=name, check=check, torch=torch_text, fn=fn, opset=opset, op=op, inputs=inputs,
                      attributes=attributes or {}, constants=constants or {}, node_inputs=node_inputs))


def t(values, dims):
    return dict(dims=dims, values=values)


ints = lambda v: {"ints": v}
i = lambda v: {"int": v}
f = lambda v: {"float": v}

# Elementwise Max / Min: torch.maximum / minimum split a tie evenly between the two inputs.
case('Max of two: a tie splits the gradient evenly', 'Max two inputs, ties at 3 of 6 elements',
     'torch.maximum(a, b)', torch.maximum, 13, 'Max',
     {'a': t([1, 2, 3, -1, 0, 5], [2, 3]), 'b': t([1, 0, 3, -1, 2, -5], [2, 3])})
case('Min of two: a tie splits the gradient evenly', 'Min two inputs, ties at 2 of 6 elements',
     'torch.minimum(a, b)', torch.minimum, 12, 'Min',
     {'a': t([1, 2, -3, 4, 0, 5], [2, 3]), 'b': t([1, 0, -3, 6, 2, 7], [2, 3])})
case('Max of three with broadcast: ties split evenly among all tied inputs',
     'Max three inputs with broadcasting; two-way and three-way ties; broadcast gradients summed back',
     'torch.stack(torch.broadcast_tensors(a, b, c)).amax(0)', stack_extreme(torch.amax), 13, 'Max',
     {'a': t([2, 1, 0, 2, 2, -1], [2, 3]), 'b': t([2, 1, 0], [3]), 'c': t([2, 2], [2, 1])})
case('Min of three: a three-way tie gives each input a third', 'Min three inputs of one shape',
     'torch.stack([a, b, c]).amin(0)', stack_extreme(torch.amin), 13, 'Min',
     {'a': t([0, 1, 2, 3], [4]), 'b': t([0, 1, 5, 3], [4]), 'c': t([0, 4, 2, 3], [4])})
case('Max of one input is the identity', 'Max with a single input',
     'a', lambda a: a * 1, 13, 'Max', {'a': t([1, 1, 2], [3])})

# Reductions: torch.amax / amin share the gradient evenly among the tied elements.
case('ReduceMax: tied maxima share the gradient evenly', 'ReduceMax axis 1 keepdims, rows with 1, 2, 3 and 4 tied maxima',
     'torch.amax(x, dim=1, keepdim=True)', lambda x: torch.amax(x, dim=1, keepdim=True), 13, 'ReduceMax',
     {'x': t([5, 1, 2, 3, 4, 4, 0, 1, 2, 2, 2, 1, 7, 7, 7, 7], [4, 4])}, {'axes': ints([1]), 'keepdims': i(1)})
case('ReduceMin over two axes: tied minima share the gradient evenly', 'ReduceMin axes (0, 2) keepdims 0',
     'torch.amin(x, dim=(0, 2))', lambda x: torch.amin(x, dim=(0, 2)), 13, 'ReduceMin',
     {'x': t([0, 1, 0, 2, 3, 3, 0, 5, 3, 4, 1, 1], [2, 3, 2])}, {'axes': ints([0, 2]), 'keepdims': i(0)})
case('ReduceMax over all axes (axes input, opset 18): a constant tensor shares evenly',
     'ReduceMax with no axes, every element tied',
     'torch.amax(x)', lambda x: torch.amax(x), 18, 'ReduceMax',
     {'x': t([2] * 6, [2, 3])}, {'keepdims': i(0)})

case('ReduceL2 of a zero row: the gradient is 0, not NaN (torch.linalg.vector_norm)',
     'ReduceL2 axis 1 keepdims, one row all zeros (the norm has no derivative there)',
     'torch.linalg.vector_norm(x, dim=1, keepdim=True)', lambda x: torch.linalg.vector_norm(x, dim=1, keepdim=True), 13,
     'ReduceL2', {'x': t([0, 0, 0, 3, 4, 0], [2, 3])}, {'axes': ints([1]), 'keepdims': i(1)})

# MaxPool / GlobalMaxPool: the first maximum of the window (row-major) takes the gradient.
plane = [3, 3, 1, 3, 3, 3, 3, 0, 1, 3, 3, 2, 0, 3, 3, 3]
case('MaxPool 2x2 stride 2: a tied window sends the gradient to its first maximum',
     'non-overlapping windows with 2, 3 and 4 tied maxima', 'F.max_pool2d(x, 2, 2)',
     lambda x: F.max_pool2d(x, 2, 2), 13, 'MaxPool', {'x': t(plane, [1, 1, 4, 4])},
     {'kernel_shape': ints([2, 2]), 'strides': ints([2, 2])})
case('MaxPool 3x3 stride 1 pads 1: overlapping tied windows each pick their first maximum',
     'overlapping windows and padding; the gradient accumulates on elements several windows pick',
     'F.max_pool2d(x, 3, 1, padding=1)', lambda x: F.max_pool2d(x, 3, 1, padding=1), 13, 'MaxPool',
     {'x': t(plane, [1, 1, 4, 4])}, {'kernel_shape': ints([3, 3]), 'pads': ints([1, 1, 1, 1])})
case('MaxPool 3x3 stride 2 ceil_mode on a constant plane', 'ceil_mode windows running past the end, all tied',
     'F.max_pool2d(x, 3, 2, ceil_mode=True)', lambda x: F.max_pool2d(x, 3, 2, ceil_mode=True), 12, 'MaxPool',
     {'x': t([-1.5] * 30, [1, 1, 5, 6])}, {'kernel_shape': ints([3, 3]), 'strides': ints([2, 2]), 'ceil_mode': i(1)})
case('MaxPool 2x2 dilation 2 with ties', 'dilated windows, ties between non-adjacent elements',
     'F.max_pool2d(x, 2, 1, dilation=2)', lambda x: F.max_pool2d(x, 2, 1, dilation=2), 12, 'MaxPool',
     {'x': t([1, 0, 1, 0, 1, 2, 2, 2, 1, 0, 1, 0, 2, 2, 1, 1], [1, 1, 4, 4])},
     {'kernel_shape': ints([2, 2]), 'dilations': ints([2, 2])})
case('MaxPool 1-D kernel 3 stride 2 pads 1 with ties', '1-D windows, ties inside and across windows',
     'F.max_pool1d(x, 3, 2, padding=1)', lambda x: F.max_pool1d(x, 3, 2, padding=1), 13, 'MaxPool',
     {'x': t([1, 1, 0, 1, 1, 1, 2, 2, 0], [1, 1, 9])}, {'kernel_shape': ints([3]), 'strides': ints([2]), 'pads': ints([1, 1])})
case('MaxPool 3-D 2x2x2 on a constant volume', '3-D windows, 8-way ties',
     'F.max_pool3d(x, 2, 2)', lambda x: F.max_pool3d(x, 2, 2), 13, 'MaxPool',
     {'x': t([0.5] * 32, [1, 1, 2, 4, 4])}, {'kernel_shape': ints([2, 2, 2]), 'strides': ints([2, 2, 2])})
case('GlobalMaxPool: the first maximum of each channel takes the gradient', 'ties within each channel',
     'F.adaptive_max_pool2d(x, 1)', lambda x: F.adaptive_max_pool2d(x, 1), 13, 'GlobalMaxPool',
     {'x': t([5, 5, 1, 5, 0, 2, 2, 1], [1, 2, 2, 2])})

# Kinks of activations at exactly the kink.
edge = [-1, 0, 0.5, 6, 7]
case("Relu at 0: relu'(0) = 0", 'x = 0 exactly', 'torch.relu(x)', torch.relu, 14, 'Relu', {'x': t(edge, [5])})
case('Clip (0, 6) at its bounds: 0 at exactly 0 and 6 (F.hardtanh, F.relu6)',
     'x exactly at the lower and the upper bound', 'F.hardtanh(x, 0, 6)', lambda x: F.hardtanh(x, 0.0, 6.0), 13, 'Clip',
     {'x': t(edge, [5])}, constants={'lo': t([0], []), 'hi': t([6], [])}, node_inputs=['x', 'lo', 'hi'])
case('Clip max only at its bound: 0 at exactly the bound', 'x exactly at the upper bound, no lower bound',
     'F.hardtanh(x, -inf, 0.5)', lambda x: F.hardtanh(x, float('-inf'), 0.5), 12, 'Clip',
     {'x': t([-3, 0.25, 0.5, 1], [4])}, constants={'hi': t([0.5], [])}, node_inputs=['x', '', 'hi'])
case("Abs at 0: abs'(0) = 0", 'x = 0 exactly', 'torch.abs(x)', torch.abs, 13, 'Abs', {'x': t([-2, 0, 3], [3])})
case('LeakyRelu at 0 takes the slope', 'x = 0 exactly', 'F.leaky_relu(x, 0.25)', lambda x: F.leaky_relu(x, 0.25), 16,
     'LeakyRelu', {'x': t(edge, [5])}, {'alpha': f(0.25)})
case('PRelu at 0 takes the slope (x) and 0 (slope)', 'x = 0 exactly; the slope gradient too',
     'F.prelu(x, slope.reshape(-1))', lambda x, s: F.prelu(x, s.reshape(-1)), 16, 'PRelu', {'x': t([-1, 0, 2, 0], [1, 2, 2]), 'slope': t([0.25, 0.5], [2, 1])})
case('Elu at 0 takes the negative branch (α)', 'x = 0 exactly', 'F.elu(x, 0.5)', lambda x: F.elu(x, 0.5), 13, 'Elu',
     {'x': t(edge, [5])}, {'alpha': f(0.5)})
case('Selu at 0 takes the negative branch (γα)', 'x = 0 exactly', 'F.selu(x)', F.selu, 13, 'Selu', {'x': t(edge, [5])})
case('HardSigmoid at the ends of its ramp: 0 at exactly ±3 (F.hardsigmoid)', 'x exactly at −3 and 3 (α = 1/6, β = 1/2)',
     'F.hardsigmoid(x)', F.hardsigmoid, 13, 'HardSigmoid', {'x': t([-4, -3, 0, 3, 4], [5])}, {'alpha': f(1 / 6), 'beta': f(0.5)})
case('HardSwish at ±3: x/3 + 1/2 on the closed interval (F.hardswish)', 'x exactly at −3 and 3',
     'F.hardswish(x)', F.hardswish, 14, 'HardSwish', {'x': t([-4, -3, 0, 3, 4], [5])})

case('ThresholdedRelu at α: 0 at exactly α (F.threshold)', 'x exactly at α = 1',
     'F.threshold(x, 1.0, 0.0)', lambda x: F.threshold(x, 1.0, 0.0), 10, 'ThresholdedRelu',
     {'x': t([-1, 0.5, 1, 2], [4])}, {'alpha': f(1.0)})
case('Shrink (bias 0) at ±λ: 0 at exactly ±λ (F.hardshrink)', 'x exactly at −λ and λ',
     'F.hardshrink(x, 0.5)', lambda x: F.hardshrink(x, 0.5), 9, 'Shrink',
     {'x': t([-1, -0.5, 0, 0.5, 1], [5])}, {'lambd': f(0.5), 'bias': f(0.0)})
case('Shrink (bias λ) at ±λ: 0 at exactly ±λ (F.softshrink)', 'x exactly at −λ and λ',
     'F.softshrink(x, 0.5)', lambda x: F.softshrink(x, 0.5), 9, 'Shrink',
     {'x': t([-1, -0.5, 0, 0.5, 1], [5])}, {'lambd': f(0.5), 'bias': f(0.5)})
case('Celu at 0: both branches give slope 1', 'x = 0 exactly', 'F.celu(x, 0.5)', lambda x: F.celu(x, 0.5), 12, 'Celu',
     {'x': t([0, 1], [2])}, {'alpha': f(0.5)})

# Reductions through zeros.
case('ReduceL1 at 0: sign(0) = 0 (torch.linalg.vector_norm, ord 1)', 'zeros in a row and a row of zeros',
     'torch.linalg.vector_norm(x, 1, dim=1, keepdim=True)', lambda x: torch.linalg.vector_norm(x, 1, dim=1, keepdim=True), 13,
     'ReduceL1', {'x': t([0, -2, 3, 0, 0, 0], [2, 3])}, {'axes': ints([1]), 'keepdims': i(1)})
case('ReduceProd through zeros: the product of the others (torch.prod)', 'rows with no, one and two zeros',
     'torch.prod(x, dim=1, keepdim=True)', lambda x: torch.prod(x, dim=1, keepdim=True), 13, 'ReduceProd',
     {'x': t([2, -1.5, 3, 2, 0, 3, 0, 0, 4], [3, 3])}, {'axes': ints([1]), 'keepdims': i(1)})

# Gathers: repeated indices add up (torch.gather's backward scatter-adds).
repeated = [0, 2, 2, 0, 0, 1, 2, 2]
case('GatherElements with repeated indices (opset 13, one-hot): the gradients add up', 'axis 0, an index repeated up to three times',
     'torch.gather(x, 0, idx)', lambda x: torch.gather(x, 0, torch.tensor(repeated).reshape(2, 4)), 13, 'GatherElements',
     {'x': t([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4])}, {'axis': i(0)},
     constants={'idx': dict(dims=[2, 4], values=repeated, type='int64')}, node_inputs=['x', 'idx'])
case('GatherElements with repeated indices (opset 18, scatter-add): the gradients add up', 'axis 0, an index repeated up to three times',
     'torch.gather(x, 0, idx)', lambda x: torch.gather(x, 0, torch.tensor(repeated).reshape(2, 4)), 18, 'GatherElements',
     {'x': t([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 4])}, {'axis': i(0)},
     constants={'idx': dict(dims=[2, 4], values=repeated, type='int64')}, node_inputs=['x', 'idx'])


def run(c):
    xs = {name: torch.tensor(v['values'], dtype=torch.float32).reshape(v['dims']).requires_grad_(True)
          for name, v in c['inputs'].items()}
    y = c['fn'](*xs.values())
    seed = seed_like(tuple(y.shape), len(c['name']))
    y.backward(seed)
    out = {k: v for k, v in c.items() if k != 'fn'}
    out['output'] = dict(dims=list(y.shape), values=y.detach().reshape(-1).tolist())
    out['seed'] = dict(dims=list(y.shape), values=seed.reshape(-1).tolist())
    out['gradients'] = {name: x.grad.reshape(-1).tolist() for name, x in xs.items()}
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, '..', 'test', 'fixtures', 'ties', 'torch_ties.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # Not the convention of the tests, recorded for the record: torch.clamp passes the gradient
    # at its bounds (inclusive), where F.hardtanh / F.relu6 (and so the Clip rule) pass none.
    x = torch.tensor([0.0, 6.0], requires_grad=True)
    torch.clamp(x, 0, 6).sum().backward()
    doc = {
        'generator': 'packages/onnx/scripts/tie_references.py',
        'torch': torch.__version__,
        'note': 'torch.clamp(x, 0, 6) gives gradient %s at x = [0, 6]; F.hardtanh gives 0 there.' % x.grad.tolist(),
        'cases': [run(c) for c in CASES],
    }
    with open(path, 'w') as out:
        json.dump(doc, out, indent=1)
        out.write('\n')
    print('wrote %d cases to %s (torch %s)' % (len(doc['cases']), os.path.relpath(path), torch.__version__))


if __name__ == '__main__':
    main()
