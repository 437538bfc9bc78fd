"""A quantization-aware-trained CNN as PyTorch exports it (QuantizeLinear/DequantizeLinear pairs:
per-tensor uint8 on the input and on the activation after the ReLU, per-channel int8 on the conv
weights), with PyTorch's autograd gradients as the reference for @ig/onnx's straight-through rule.

PyTorch differentiates fake_quantize by the straight-through estimator: the gradient passes where
round(x/s) + zp lies in [quant_min, quant_max] and is 0 where it saturates.

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/quantized_references.py
Writes packages/onnx/test/fixtures/quantized/: qat.onnx, x.npy, weights.npy, gradient.npy, output.npy,
and the QOperator networks of qoperator() and qoperator_elementwise() as qoperator.onnx,
qelementwise.onnx and their *.npy.
"""
import os

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'quantized')


class FakeQuantize(nn.Module):
    def __init__(self, scale, zero_point, low, high):
        super().__init__()
        self.scale, self.zero_point, self.low, self.high = scale, zero_point, low, high

    def forward(self, x):
        return torch.fake_quantize_per_tensor_affine(x, self.scale, self.zero_point, self.low, self.high)


class QatNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_quant = FakeQuantize(0.02, 128, 0, 255)
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        scales = (self.conv.weight.detach().abs().amax(dim=(1, 2, 3)) / 127).clamp(min=1e-8)
        self.register_buffer('weight_scales', scales)
        self.register_buffer('weight_zero_points', torch.zeros(4, dtype=torch.int32))
        self.activation_quant = FakeQuantize(0.05, 0, 0, 255)
        self.fc = nn.Linear(4 * 6 * 6, 5)

    def forward(self, x):
        w = torch.fake_quantize_per_channel_affine(self.conv.weight, self.weight_scales, self.weight_zero_points, 0, -128, 127)
        x = torch.relu(nn.functional.conv2d(self.input_quant(x), w, self.conv.bias, padding=1))
        return self.fc(self.activation_quant(x).flatten(1))


def main():
    torch.manual_seed(0)
    net = QatNet().eval()
    # Inputs of scale 1.5: some saturate the input quantizer's range [-2.56, 2.54].
    x = torch.randn(3, 3, 6, 6) * 1.5
    weights = torch.tensor([[0.3, -1.0, 0.5, 2.0, -0.7], [1.0, 0.0, 0.0, 0.0, 0.0], [-0.2, 0.4, 0.9, -1.1, 0.6]])
    os.makedirs(OUT, exist_ok=True)
    torch.onnx.export(net, x, os.path.join(OUT, 'qat.onnx'), input_names=['x'], output_names=['y'], opset_version=13,
                      dynamic_axes={'x': {0: 'N'}, 'y': {0: 'N'}})
    x_grad = x.clone().requires_grad_(True)
    y = net(x_grad)
    (y * weights).sum().backward()
    np.save(os.path.join(OUT, 'x.npy'), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'weights.npy'), weights.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'gradient.npy'), x_grad.grad.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'output.npy'), y.detach().numpy().astype(np.float32))


def qoperator():
    """The same kind of network in onnxruntime's QOperator form, written by hand from PyTorch's
    quantized parameters: QuantizeLinear → QLinearConv (uint8, per-channel int8 weights, int32
    bias; zero point 0, so negatives saturate: a fused ReLU) → MaxPool on uint8 →
    com.microsoft.QLinearGlobalAveragePool → Flatten → QLinearMatMul → com.microsoft.QLinearAdd
    (of itself) → com.microsoft.QGemm (transB, int32 bias, float output). PyTorch computes it with
    fake quantization at each of those points, and its straight-through gradients are the reference."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto

    torch.manual_seed(1)
    conv_w = torch.randn(3, 2, 3, 3) * 0.4
    conv_b = torch.randn(3) * 0.1
    fc_w = torch.randn(3, 4) * 0.8
    s0, z0, s1, s2, z2, s3, z3, s4, z4 = 0.02, 128, 0.03, 0.01, 0, 0.02, 128, 0.04, 128
    w_scale = (conv_w.abs().amax(dim=(1, 2, 3)) / 127).clamp(min=1e-8)
    w_q = torch.clamp(torch.round(conv_w / w_scale[:, None, None, None]), -127, 127)
    b_q = torch.round(conv_b / (s0 * w_scale))
    fc_scale = float(fc_w.abs().max() / 127)
    fc_q = torch.clamp(torch.round(fc_w / fc_scale), -127, 127)
    head_w = torch.randn(2, 4) * 0.5
    head_b = torch.randn(2) * 0.2
    head_scale = float(head_w.abs().max() / 127)
    head_q = torch.clamp(torch.round(head_w / head_scale), -127, 127)
    head_bq = torch.round(head_b / (0.9 * s4 * head_scale))

    def fq(t, s, z):
        return torch.fake_quantize_per_tensor_affine(t, s, z, 0, 255)

    def forward(x):
        c = nn.functional.conv2d(fq(x, s0, z0), w_q * w_scale[:, None, None, None], b_q * s0 * w_scale, padding=1)
        p = nn.functional.max_pool2d(fq(c, s1, 0), 2)
        g = fq(p.mean(dim=(2, 3)), s2, z2)
        m = fq(g @ (fc_q * fc_scale), s3, z3)
        a = fq(m + m, s4, z4)
        # QGemm's int32 C is quantized with scale alpha·a_scale·b_scale (beta 1).
        return 0.9 * (a @ (head_q * head_scale).t()) + head_bq * 0.9 * s4 * head_scale

    x = torch.randn(3, 2, 6, 6) * 1.2
    weights = torch.tensor([[0.5, -1.0], [1.0, 0.2], [-0.3, 0.6]])
    x_grad = x.clone().requires_grad_(True)
    y = forward(x_grad)
    (y * weights).sum().backward()

    u8 = lambda name, v: numpy_helper.from_array(np.array(v, dtype=np.uint8), name)
    f32 = lambda name, v: numpy_helper.from_array(np.array(v, dtype=np.float32), name)
    inits = [f32('s0', s0), u8('z0', z0), numpy_helper.from_array(w_q.numpy().astype(np.int8), 'wq'), f32('ws', w_scale.numpy()),
             numpy_helper.from_array(np.zeros(3, np.int8), 'wz'), f32('s1', s1), u8('z1', 0), numpy_helper.from_array(b_q.numpy().astype(np.int32), 'bq'),
             f32('s2', s2), u8('z2', z2), numpy_helper.from_array(fc_q.numpy().astype(np.int8), 'fq'), f32('fs', fc_scale),
             numpy_helper.from_array(np.array(0, np.int8), 'fz'), f32('s3', s3), u8('z3', z3), f32('s4', s4), u8('z4', z4),
             numpy_helper.from_array(head_q.numpy().astype(np.int8), 'hq'), f32('hs', head_scale), numpy_helper.from_array(np.array(0, np.int8), 'hz'),
             numpy_helper.from_array(head_bq.numpy().astype(np.int32), 'hb')]
    ms = 'com.microsoft'
    nodes = [
        helper.make_node('QuantizeLinear', ['x', 's0', 'z0'], ['xq']),
        helper.make_node('QLinearConv', ['xq', 's0', 'z0', 'wq', 'ws', 'wz', 's1', 'z1', 'bq'], ['c'], pads=[1, 1, 1, 1]),
        helper.make_node('MaxPool', ['c'], ['p'], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node('QLinearGlobalAveragePool', ['p', 's1', 'z1', 's2', 'z2'], ['g'], domain=ms, channels_last=0),
        helper.make_node('Flatten', ['g'], ['f']),
        helper.make_node('QLinearMatMul', ['f', 's2', 'z2', 'fq', 'fs', 'fz', 's3', 'z3'], ['m']),
        helper.make_node('QLinearAdd', ['m', 's3', 'z3', 'm', 's3', 'z3', 's4', 'z4'], ['a'], domain=ms),
        helper.make_node('QGemm', ['a', 's4', 'z4', 'hq', 'hs', 'hz', 'hb'], ['y'], domain=ms, transB=1, alpha=0.9),
    ]
    graph = helper.make_graph(nodes, 'qoperator', [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['N', 2, 6, 6])],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['N', 2])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13), helper.make_opsetid(ms, 1)], producer_name='quantized_references.py')
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, 'qoperator.onnx'))
    np.save(os.path.join(OUT, 'qoperator.x.npy'), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'qoperator.weights.npy'), weights.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'qoperator.gradient.npy'), x_grad.grad.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'qoperator.output.npy'), y.detach().numpy().astype(np.float32))


def qoperator_elementwise():
    """onnxruntime's other QOperator contrib ops, each on uint8 tensors between QuantizeLinear and
    DequantizeLinear: QLinearAveragePool (2×2) → QLinearLeakyRelu (alpha 0.1) → QLinearSigmoid →
    QLinearMul (of itself) and QLinearConcat of the sigmoid and the product, as PyTorch computes
    them with fake quantization at each output."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto

    torch.manual_seed(2)
    q = {'s0': (0.03, 128), 's1': (0.02, 128), 's2': (0.02, 100), 's3': (1 / 256, 0), 's4': (1 / 256, 0), 's5': (1 / 200, 0)}

    def fq(t, key):
        return torch.fake_quantize_per_tensor_affine(t, q[key][0], q[key][1], 0, 255)

    def forward(x):
        a = fq(nn.functional.avg_pool2d(fq(x, 's0'), 2), 's1')
        r = fq(nn.functional.leaky_relu(a, 0.1), 's2')
        g = fq(torch.sigmoid(r), 's3')
        m = fq(g * g, 's4')
        return fq(torch.cat([g, m], dim=1), 's5')

    x = torch.randn(3, 2, 6, 6) * 2
    weights = torch.randn(3, 4 * 3 * 3)
    x_grad = x.clone().requires_grad_(True)
    y = forward(x_grad)
    (y.flatten(1) * weights).sum().backward()

    inits = []
    for key, (scale, zero) in q.items():
        inits += [numpy_helper.from_array(np.array(scale, np.float32), key), numpy_helper.from_array(np.array(zero, np.uint8), 'z' + key[1:])]
    ms = 'com.microsoft'
    nodes = [
        helper.make_node('QuantizeLinear', ['x', 's0', 'z0'], ['xq']),
        helper.make_node('QLinearAveragePool', ['xq', 's0', 'z0', 's1', 'z1'], ['a'], domain=ms, kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node('QLinearLeakyRelu', ['a', 's1', 'z1', 's2', 'z2'], ['r'], domain=ms, alpha=0.1),
        helper.make_node('QLinearSigmoid', ['r', 's2', 'z2', 's3', 'z3'], ['g'], domain=ms),
        helper.make_node('QLinearMul', ['g', 's3', 'z3', 'g', 's3', 'z3', 's4', 'z4'], ['m'], domain=ms),
        helper.make_node('QLinearConcat', ['s5', 'z5', 'g', 's3', 'z3', 'm', 's4', 'z4'], ['c'], domain=ms, axis=1),
        helper.make_node('DequantizeLinear', ['c', 's5', 'z5'], ['y']),
    ]
    graph = helper.make_graph(nodes, 'qoperator_elementwise', [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['N', 2, 6, 6])],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['N', 4, 3, 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13), helper.make_opsetid(ms, 1)], producer_name='quantized_references.py')
    model.ir_version = 7
    onnx.save(model, os.path.join(OUT, 'qelementwise.onnx'))
    np.save(os.path.join(OUT, 'qelementwise.x.npy'), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'qelementwise.weights.npy'), weights.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'qelementwise.gradient.npy'), x_grad.grad.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'qelementwise.output.npy'), y.detach().numpy().astype(np.float32))


if __name__ == '__main__':
    main()
    qoperator()
    qoperator_elementwise()
