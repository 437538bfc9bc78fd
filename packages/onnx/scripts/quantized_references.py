"""A quantization-aware-trained CNN as PyTorch exports it (QuantizeLinear/DequantizeLinear pairs:
per-tensor uint8 on the input and on the activation after the ReLU, per-channel int8 on the conv
weights), with PyTorch's autograd gradients as the reference for @ig/onnx's straight-through rule.

PyTorch differentiates fake_quantize by the straight-through estimator: the gradient passes where
round(x/s) + zp lies in [quant_min, quant_max] and is 0 where it saturates.

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/quantized_references.py
Writes packages/onnx/test/fixtures/quantized/: qat.onnx, x.npy, weights.npy, gradient.npy, output.npy.
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


if __name__ == '__main__':
    main()
