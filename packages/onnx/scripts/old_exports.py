#!/usr/bin/python3
"""ONNX files as older and odder exporters write them, with the input gradient of a linear
objective Σ w·output per point by PyTorch autograd in float64: the expected values of
test/old-exports.test.ts.

  cnn-opsetK        torch.onnx.export at opsets 7, 8, 9 and 10 of a small CNN: Conv, BatchNorm,
                    ReLU, MaxPool, Upsample (Resize at 10), Pad (attribute form), Slice (attribute
                    form below 10), Flatten, Dropout (eval), Gemm
  ir3-initializers  the same CNN at opset 9 with keep_initializers_as_inputs=True (IR 3: every
                    weight is also a graph input), named as tf2onnx names Keras tensors
  legacy-opset6     written by hand: BatchNormalization-6 (is_test, spatial=1), Dropout-6 (is_test),
                    Mul-6 with broadcast=1/axis=1, Sum of three, Concat-4, Gemm-6 (broadcast)
  legacy-opset7     written by hand: Upsample-7 with a scales attribute, BatchNormalization-7
                    (spatial=1), Dropout-7, Sum of four, AveragePool, Reshape, Gemm
  legacy-opset3     written by hand as the first model-zoo files are: consumed_inputs everywhere,
                    Reshape-1 with a shape attribute, Concat-1 without axis (default 1), Add-1
                    with broadcast/axis, BatchNormalization-1, Dropout-1, Gemm-1, Sum-1
  names-tf2onnx     an MLP whose tensors are named serving_default_x:0 and
                    StatefulPartitionedCall/model/dense 1/BiasAdd:0
  names-unicode     the same with non-ASCII names and spaces
  out-scalar        a scalar output (shape [])
  out-one           an output of shape [1] from an input without batch axis
  out-binary        a sigmoid binary classifier, output [N, 1]
  out-sequence      an output [N, T, C]
  out-argmax        two outputs: logits and their ArgMax (int64)
  out-topk          three outputs: logits and TopK values and indices
  out-passthrough   outputs: logits, the input itself, and an initializer
  in-unused         a float input no node reads, beside the real one
  in-shadowed       an input shadowed by an initializer (its default, IR 4+)
  in-length         an int64 length input beside the float sequence it masks

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/old_exports.py
Writes packages/onnx/test/fixtures/old-exports/: NAME.onnx, NAME.input.npy, NAME.gradient.npy
(and NAME.CONTEXT.npy for extra inputs), references.json.
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'old-exports')
SEED = 5
POINTS = 2
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def randn(*shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


class OldCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(4 * 8 * 7, 5)
        self.by_size = False
        with torch.no_grad():
            self.bn.running_mean.copy_(torch.randn(4) * 0.2)
            self.bn.running_var.copy_(torch.rand(4) + 0.5)
            self.bn.weight.copy_(torch.rand(4) + 0.5)
            self.bn.bias.copy_(torch.randn(4) * 0.1)

    def forward(self, x):
        # BatchNorm after the ReLU: torch folds one that follows a Conv into the Conv.
        h = self.pool(self.bn(torch.relu(self.conv(x))))
        # torch 1.13 exports nearest upsampling by a scale factor only from opset 9, by a size only below.
        up = F.interpolate(h, size=(8, 8), mode='nearest') if self.by_size else F.interpolate(h, scale_factor=2.0, mode='nearest')
        h = F.pad(up, (1, 1, 1, 1))
        h = h[:, :, 1:-1, 3:]
        return self.fc(self.drop(torch.flatten(h, 1)))


class Mlp(nn.Module):
    def __init__(self, features=6, hidden=8, classes=4):
        super().__init__()
        self.a = nn.Linear(features, hidden)
        self.b = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.b(torch.tanh(self.a(x)))


class Scalar(Mlp):
    def forward(self, x):
        return torch.tanh(self.a(x)).sum()


class One(Mlp):
    def __init__(self):
        super().__init__(6, 8, 1)

    def forward(self, x):
        return self.b(torch.tanh(self.a(x)))


class Binary(One):
    def forward(self, x):
        return torch.sigmoid(self.b(torch.tanh(self.a(x))))


class Sequence(Mlp):
    def __init__(self):
        super().__init__(3, 6, 4)


class ArgMaxHead(Mlp):
    def forward(self, x):
        logits = super().forward(x)
        return logits, logits.argmax(1)


class TopKHead(Mlp):
    def forward(self, x):
        logits = super().forward(x)
        values, indices = torch.topk(logits, 2, dim=1)
        return logits, values, indices


class Length(Sequence):
    def forward(self, x, length):
        mask = (torch.arange(x.shape[1]) < length[:, None]).to(x.dtype)
        return (super().forward(x) * mask[:, :, None]).sum(1)


def export(module, args, path, opset, inputs, outputs, dynamic=True, **kwargs):
    module.eval()
    axes = {n: {0: 'N'} for n in inputs + outputs} if dynamic else None
    torch.onnx.export(module, args, path, opset_version=opset, input_names=inputs, output_names=outputs,
                      dynamic_axes=axes, do_constant_folding=True, **kwargs)
    return onnx.load(path)


def gradient(fn, x, weights, extra=()):
    """∂(Σ w·fn(x)[k])/∂x[k] per point k in float64, and Σ w·fn at x and at zero."""
    x64 = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    w = torch.tensor(weights, dtype=torch.float64)
    out = fn(x64, *extra)
    objective = (out.reshape(x.shape[0], -1) * w).sum(1) if out.dim() > 0 and out.shape[0] == x.shape[0] and out.dim() > 1 else (out.reshape(-1) * w.reshape(-1)).sum().reshape(1)
    objective.sum().backward()
    with torch.no_grad():
        zero = fn(torch.zeros_like(x64), *extra)
        at_zero = (zero.reshape(x.shape[0], -1) * w).sum(1) if out.dim() > 1 and out.shape[0] == x.shape[0] else (zero.reshape(-1) * w.reshape(-1)).sum().reshape(1)
    return x64.grad.numpy().astype(np.float32), objective.detach().numpy().tolist(), at_zero.numpy().tolist()


cases = {}


def record(name, model, fn, x, weights, input_name, output_name, extra=None, ops=(), batched=True):
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, f'{name}.onnx'))
    np.save(os.path.join(OUT, f'{name}.input.npy'), x)
    extras = []
    context = {}
    for key, value in (extra or {}).items():
        np.save(os.path.join(OUT, f'{name}.{key}.npy'), value)
        context[key] = f'{name}.{key}.npy'
        extras.append(torch.tensor(value))
    grad, value, at_zero = gradient(fn, x, weights, extras)
    np.save(os.path.join(OUT, f'{name}.gradient.npy'), grad)
    present = {n.op_type for n in model.graph.node}
    missing = [op for op in ops if op not in present]
    if missing:
        sys.exit(f'{name}: the export lacks {missing}')
    cases[name] = {
        'model': f'{name}.onnx', 'opset': next(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx')),
        'irVersion': model.ir_version, 'input': input_name, 'inputFile': f'{name}.input.npy', 'output': output_name,
        'weights': np.asarray(weights, dtype=np.float64).reshape(-1).tolist(), 'batched': batched,
        'gradient': f'{name}.gradient.npy', 'value': value, 'valueAtZero': at_zero, 'context': context,
        'ops': sorted(ops),
    }


def module_fn(module):
    double = module.double().eval()
    return lambda x, *extra: double(x, *extra)


def one_hot(count, size, targets):
    w = np.zeros((count, size))
    for k, t in enumerate(targets):
        w[k, t] = 1
    return w


def main():
    os.makedirs(OUT, exist_ok=True)
    tmp = os.path.join(OUT, '.tmp.onnx')
    cnn = OldCnn().eval()
    x = rng.standard_normal((POINTS, 3, 8, 8)).astype(np.float32)
    state = {k: v.clone() for k, v in cnn.state_dict().items()}

    def cnn_fn():
        copy = OldCnn()
        copy.load_state_dict(state)
        return module_fn(copy)

    for opset in (7, 8, 9, 10):
        ops = ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Pad', 'Slice', 'Flatten', 'Gemm', 'Upsample' if opset < 10 else 'Resize']
        dynamic = opset >= 9
        points = x if dynamic else x[:1]
        cnn.by_size = opset < 9
        model = export(cnn, torch.tensor(points), tmp, opset, ['input'], ['logits'], dynamic=dynamic)
        record(f'cnn-opset{opset}', model, cnn_fn(), points, one_hot(len(points), 5, [3, 1][: len(points)]), 'input', 'logits', ops=ops)

    cnn.by_size = False
    model = export(cnn, torch.tensor(x[:1]), tmp, 9, ['input_1:0'], ['dense/BiasAdd:0'], dynamic=False, keep_initializers_as_inputs=True)
    model.ir_version = 3
    record('ir3-initializers', model, cnn_fn(), x[:1], one_hot(1, 5, [2]), 'input_1:0', 'dense/BiasAdd:0', ops=['Conv', 'Upsample', 'Gemm'])

    mlp = Mlp()
    v = rng.standard_normal((POINTS, 6)).astype(np.float32)
    for name, inp, outp in (('names-tf2onnx', 'serving_default_x:0', 'StatefulPartitionedCall/model/dense 1/BiasAdd:0'),
                            ('names-unicode', 'entrée x ü', 'sortie/logits → ŷ')):
        model = export(mlp, torch.tensor(v), tmp, 13, [inp], [outp])
        record(name, model, module_fn(_copy(mlp, Mlp)), v, one_hot(POINTS, 4, [0, 2]), inp, outp)

    scalar = Scalar()
    model = export(scalar, torch.tensor(v[:1]), tmp, 13, ['x'], ['total'], dynamic=False)
    record('out-scalar', model, module_fn(_copy(scalar, Scalar)), v[:1], np.ones((1,)), 'x', 'total', batched=False)
    one = One()
    model = export(one, torch.tensor(v[0]), tmp, 13, ['x'], ['score'], dynamic=False)
    record_unbatched('out-one', model, _copy(one, One), v[0], 'x', 'score')
    binary = Binary()
    model = export(binary, torch.tensor(v), tmp, 13, ['x'], ['probability'])
    record('out-binary', model, module_fn(_copy(binary, Binary)), v, np.ones((POINTS, 1)), 'x', 'probability', ops=['Sigmoid'])
    seq = Sequence()
    s = rng.standard_normal((POINTS, 5, 3)).astype(np.float32)
    model = export(seq, torch.tensor(s), tmp, 13, ['x'], ['per_step'])
    w = rng.standard_normal((POINTS, 5 * 4))
    record('out-sequence', model, module_fn(_copy(seq, Sequence)), s, w, 'x', 'per_step')
    head = ArgMaxHead()
    model = export(head, torch.tensor(v), tmp, 13, ['x'], ['logits', 'label'])
    record('out-argmax', model, lambda t: module_fn(_copy(head, ArgMaxHead))(t)[0], v, one_hot(POINTS, 4, [1, 3]), 'x', 'logits', ops=['ArgMax'])
    topk = TopKHead()
    model = export(topk, torch.tensor(v), tmp, 13, ['x'], ['logits', 'top_values', 'top_indices'])
    record('out-topk', model, lambda t: module_fn(_copy(topk, TopKHead))(t)[1], v, one_hot(POINTS, 2, [0, 1]), 'x', 'top_values', ops=['TopK'])
    length = Length()
    lengths = np.array([3, 5], dtype=np.int64)
    model = export(length, (torch.tensor(s), torch.tensor(lengths)), tmp, 13, ['x', 'length'], ['pooled'])
    record('in-length', model, module_fn(_copy(length, Length)), s, one_hot(POINTS, 4, [2, 0]), 'x', 'pooled', extra={'length': lengths})

    hand_written(v)
    os.remove(tmp)
    with open(os.path.join(OUT, 'references.json'), 'w') as f:
        json.dump({'script': 'packages/onnx/scripts/old_exports.py',
                   'versions': {'torch': torch.__version__, 'onnx': onnx.__version__, 'numpy': np.__version__},
                   'seed': SEED,
                   'gradient': 'd (sum of weights * output[k]) / d input[k] by autograd in float64 on the float32 weights',
                   'cases': cases}, f, indent=1, ensure_ascii=False)


def _copy(module, cls):
    copy = cls()
    copy.load_state_dict(module.state_dict())
    return copy


def record_unbatched(name, model, module, x, input_name, output_name):
    """A model without batch axis: the point is the whole input, the objective the whole output."""
    double = module.double().eval()
    fn = lambda t: double(t[0]).reshape(1, -1)
    record(name, model, fn, x[None], np.ones((1, 1)), input_name, output_name, batched=False)
    np.save(os.path.join(OUT, f'{name}.input.npy'), x)
    grad = np.load(os.path.join(OUT, f'{name}.gradient.npy'))
    np.save(os.path.join(OUT, f'{name}.gradient.npy'), grad[0])


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def save_hand(name, nodes, inits, inputs, outputs, opset, fn, x, weights, ops, ir=3, input_name='x', output_name='logits',
              initializers_as_inputs=False):
    graph_inputs = list(inputs)
    if initializers_as_inputs:
        graph_inputs += [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in inits]
    graph = helper.make_graph(nodes, name, graph_inputs, outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)], producer_name='old_exports.py')
    model.ir_version = ir
    record(name, model, fn, x, weights, input_name, output_name, ops=ops)


def hand_written(v):
    x = rng.standard_normal((POINTS, 2, 4, 4)).astype(np.float32)
    W1, B1 = randn(3, 2, 3, 3), randn(3, scale=0.1)
    scale, bias, mean, var = randn(3) + 1, randn(3, scale=0.1), randn(3, scale=0.2), (rng.random(3) + 0.5).astype(np.float32)
    s = randn(3) + 1
    Wf, bf = randn(5, 24, scale=0.3), randn(5, scale=0.1)
    t = lambda a: torch.tensor(a, dtype=torch.float64)

    def bn(h, eps):
        return (h - t(mean)[None, :, None, None]) / torch.sqrt(t(var)[None, :, None, None] + eps) * t(scale)[None, :, None, None] + t(bias)[None, :, None, None]

    def opset6_fn(h):
        c = F.conv2d(h, t(W1), t(B1), padding=1)
        r = torch.relu(bn(c, 1e-3))
        m = r * t(s)[None, :, None, None]
        total = m + r + c
        cat = torch.cat([total, c], 1)
        return F.max_pool2d(cat, 2).flatten(1) @ t(Wf).T + t(bf)

    weights = one_hot(POINTS, 5, [4, 0])
    x_in = helper.make_tensor_value_info('x', TensorProto.FLOAT, ['N', 2, 4, 4])
    logits = helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['N', 5])
    inits = [init('W1', W1), init('B1', B1), init('scale', scale), init('bias', bias), init('mean', mean), init('var', var),
             init('s', s), init('Wf', Wf), init('bf', bf)]
    nodes6 = [
        helper.make_node('Conv', ['x', 'W1', 'B1'], ['c'], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node('BatchNormalization', ['c', 'scale', 'bias', 'mean', 'var'], ['b'], epsilon=1e-3, is_test=1, spatial=1, momentum=0.9),
        helper.make_node('Relu', ['b'], ['r']),
        helper.make_node('Dropout', ['r'], ['d'], is_test=1, ratio=0.4),
        helper.make_node('Mul', ['d', 's'], ['m'], broadcast=1, axis=1),
        helper.make_node('Sum', ['m', 'r', 'c'], ['total']),
        helper.make_node('Concat', ['total', 'c'], ['cat'], axis=1),
        helper.make_node('MaxPool', ['cat'], ['p'], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node('Flatten', ['p'], ['flat']),
        helper.make_node('Gemm', ['flat', 'Wf', 'bf'], ['logits'], transB=1, broadcast=1),
    ]
    save_hand('legacy-opset6', nodes6, inits, [x_in], [logits], 6, opset6_fn, x, weights,
              ['BatchNormalization', 'Dropout', 'Mul', 'Sum', 'Concat', 'Gemm'], initializers_as_inputs=True)

    # Opset 3, as the first model-zoo files: consumed_inputs, Reshape-1 and Concat-1 without axis.
    x1 = x[:1]
    nodes3 = [
        helper.make_node('Conv', ['x', 'W1'], ['c0'], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node('Add', ['c0', 'B1'], ['c'], broadcast=1, axis=1),
        helper.make_node('BatchNormalization', ['c', 'scale', 'bias', 'mean', 'var'], ['b'], epsilon=1e-3, is_test=1, spatial=1,
                         consumed_inputs=[0, 0, 0, 1, 1]),
        helper.make_node('Relu', ['b'], ['r'], consumed_inputs=[0]),
        helper.make_node('Dropout', ['r'], ['d'], is_test=1, ratio=0.4),
        helper.make_node('Mul', ['d', 's'], ['m'], broadcast=1, axis=1, consumed_inputs=[0, 0]),
        helper.make_node('Sum', ['m', 'r', 'c'], ['total'], consumed_inputs=[0, 0, 0]),
        helper.make_node('Concat', ['total', 'c'], ['cat']),
        helper.make_node('MaxPool', ['cat'], ['p'], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node('Reshape', ['p'], ['flat'], shape=[1, 24]),
        helper.make_node('Gemm', ['flat', 'Wf', 'bf'], ['logits'], transB=1, broadcast=1),
    ]
    x_one = helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 2, 4, 4])
    logits_one = helper.make_tensor_value_info('logits', TensorProto.FLOAT, [1, 5])
    save_hand('legacy-opset3', nodes3, inits, [x_one], [logits_one], 3, opset6_fn, x1, one_hot(1, 5, [1]),
              ['BatchNormalization', 'Reshape', 'Concat', 'Sum', 'Gemm'], initializers_as_inputs=True)

    # Opset 7: Upsample-7 with scales, BatchNormalization-7, Dropout-7, Sum of four.
    Wg, bg = randn(4, 2 * 4 * 4, scale=0.3), randn(4, scale=0.1)
    bn2 = [randn(2) + 1, randn(2, scale=0.1), randn(2, scale=0.2), (rng.random(2) + 0.5).astype(np.float32)]

    def opset7_fn(h):
        up = h.repeat_interleave(2, 2).repeat_interleave(2, 3)
        g = (up - t(bn2[2])[None, :, None, None]) / torch.sqrt(t(bn2[3])[None, :, None, None] + 1e-5) * t(bn2[0])[None, :, None, None] + t(bn2[1])[None, :, None, None]
        total = up + g + g + torch.relu(g)
        return F.avg_pool2d(total, 2).reshape(h.shape[0], -1) @ t(Wg).T + t(bg)

    nodes7 = [
        helper.make_node('Upsample', ['x'], ['up'], mode='nearest', scales=[1.0, 1.0, 2.0, 2.0]),
        helper.make_node('BatchNormalization', ['up', 'g_scale', 'g_bias', 'g_mean', 'g_var'], ['g'], spatial=1),
        helper.make_node('Dropout', ['g'], ['gd'], ratio=0.2),
        helper.make_node('Relu', ['g'], ['gr']),
        helper.make_node('Sum', ['up', 'g', 'gd', 'gr'], ['total']),
        helper.make_node('AveragePool', ['total'], ['p'], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node('Reshape', ['p', 'flat_shape'], ['flat']),
        helper.make_node('Gemm', ['flat', 'Wg', 'bg'], ['logits'], transB=1),
    ]
    inits7 = [init('g_scale', bn2[0]), init('g_bias', bn2[1]), init('g_mean', bn2[2]), init('g_var', bn2[3]),
              init('flat_shape', np.array([0, -1], dtype=np.int64)), init('Wg', Wg), init('bg', bg)]
    logits4 = helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['N', 4])
    save_hand('legacy-opset7', nodes7, inits7, [x_in], [logits4], 7, opset7_fn, x, one_hot(POINTS, 4, [2, 1]),
              ['Upsample', 'BatchNormalization', 'Dropout', 'Sum', 'AveragePool', 'Reshape', 'Gemm'], initializers_as_inputs=True)

    # Graph inputs: one no node reads, one shadowed by an initializer (its default), at IR 4.
    Wm, bm = randn(6, 4), randn(4, scale=0.1)
    xv = helper.make_tensor_value_info('x', TensorProto.FLOAT, ['N', 6])
    out = helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['N', 4])
    unused = helper.make_tensor_value_info('unused', TensorProto.FLOAT, ['N', 3])
    temperature = helper.make_tensor_value_info('temperature', TensorProto.FLOAT, [1])
    mlp_nodes = [helper.make_node('MatMul', ['x', 'Wm'], ['h']), helper.make_node('Add', ['h', 'bm'], ['z']), helper.make_node('Tanh', ['z'], ['a'])]
    mlp_fn = lambda h: torch.tanh(h @ t(Wm) + t(bm))
    save_hand('in-unused', mlp_nodes + [helper.make_node('Identity', ['a'], ['logits'])], [init('Wm', Wm), init('bm', bm)], [xv, unused], [out], 13,
              mlp_fn, v, one_hot(POINTS, 4, [0, 3]), ['MatMul'], ir=7)
    save_hand('in-shadowed', mlp_nodes + [helper.make_node('Div', ['a', 'temperature'], ['logits'])],
              [init('Wm', Wm), init('bm', bm), init('temperature', np.array([2.0], dtype=np.float32))], [xv, temperature], [out], 13,
              lambda h: mlp_fn(h) / 2.0, v, one_hot(POINTS, 4, [1, 2]), ['Div'], ir=7)
    # Outputs that are the input itself and an initializer, beside the logits.
    save_hand('out-passthrough', mlp_nodes + [helper.make_node('Identity', ['a'], ['logits'])], [init('Wm', Wm), init('bm', bm)], [xv],
              [out, xv, helper.make_tensor_value_info('Wm', TensorProto.FLOAT, [6, 4])], 13, mlp_fn, v, one_hot(POINTS, 4, [2, 2]), ['MatMul'], ir=7)


if __name__ == '__main__':
    main()
