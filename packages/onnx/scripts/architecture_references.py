#!/usr/bin/python3
"""Tiny PyTorch modules that reproduce the constructs of torchvision architectures, exported to
ONNX, with the input gradient of one logit per point by PyTorch autograd: the expected values of
test/architecture-parity.test.ts.

Each module is a few KB of seeded random weights (BatchNorm running statistics and affine
parameters drawn too, so no BatchNorm is an identity) built from torchvision's own blocks where
it has them:
  se_silu          EfficientNet: SiLU, depthwise conv, squeeze-excitation (Sigmoid gate), residual
  hardswish_se     MobileNetV3: Hardswish, squeeze-excitation with a Hardsigmoid gate
  channel_shuffle  ShuffleNetV2: chunk, channel shuffle (Reshape/Transpose), Concat, max-pool
  grouped_conv     RegNetX: bottleneck with a grouped 3×3 convolution, strided projection
  dense_concat     DenseNet + SqueezeNet: dense layers concatenated, transition average pool,
                   Fire module (Concat of 1×1 and 3×3 branches), ceil-mode max-pool
  attention        batch-first TransformerEncoderLayer: multi-head attention (MatMul, Softmax),
                   LayerNorm, GELU (Erf)
  patch_attention  VisionTransformer: patch convolution, class token (Expand, Concat), position
                   embedding, nn.MultiheadAttention
  window_attention SwinTransformer: patch merging, shifted windows (roll as Slice/Concat),
                   relative position bias (Gather), attention mask
  layer_scale      ConvNeXt: depthwise 7×7 conv, channels-last LayerNorm (Transpose), layer scale
Each is exported at opset 13 and at the highest opset this torch exports (17 for torch 1.13: a
native LayerNormalization, HardSwish). The gradient is taken in float64 on the same (float32)
weights and input, so it is the exact gradient of the float32 model up to float64 rounding; the
deviation of torch's own float32 gradient from it is recorded as `torchFloat32Deviation`.

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/architecture_references.py
Writes packages/onnx/test/fixtures/architectures/: NAME-opsetK.onnx, NAME.input.npy,
NAME.gradient.npy and references.json (targets, logits, torch and torchvision versions).
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision
from torch import nn
from torch.onnx._constants import ONNX_MAX_OPSET
from torchvision.models.convnext import CNBlockConfig
from torchvision.models.densenet import _DenseBlock, _Transition
from torchvision.models.regnet import ResBottleneckBlock
from torchvision.models.shufflenetv2 import InvertedResidual
from torchvision.models.squeezenet import Fire
from torchvision.ops import SqueezeExcitation

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'architectures')
OPSETS = sorted({13, ONNX_MAX_OPSET})
SEED = 7
POINTS = 2


def conv_bn(cin, cout, kernel, stride=1, groups=1, activation=nn.ReLU):
    layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, activation()) if activation else nn.Sequential(*layers)


class SeSilu(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(3, 8, 3, 2, activation=nn.SiLU)
        self.depthwise = conv_bn(8, 8, 3, groups=8, activation=nn.SiLU)
        self.excite = SqueezeExcitation(8, 2, activation=nn.SiLU)
        self.project = conv_bn(8, 8, 1, activation=None)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        x = self.stem(x)
        x = x + self.project(self.excite(self.depthwise(x)))
        return self.head(x.mean((2, 3)))


class HardswishSe(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(3, 8, 3, 2, activation=nn.Hardswish)
        self.depthwise = conv_bn(8, 8, 3, groups=8)
        self.excite = SqueezeExcitation(8, 4, scale_activation=nn.Hardsigmoid)
        self.project = conv_bn(8, 8, 1, activation=None)
        self.head = nn.Sequential(nn.Linear(8, 16), nn.Hardswish(), nn.Linear(16, 5))

    def forward(self, x):
        x = self.project(self.excite(self.depthwise(self.stem(x))))
        return self.head(nn.functional.adaptive_avg_pool2d(x, 1).flatten(1))


class ChannelShuffle(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 8, 3, 2), nn.MaxPool2d(3, 2, 1))
        self.stages = nn.Sequential(InvertedResidual(8, 16, 2), InvertedResidual(16, 16, 1))
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        return self.head(self.stages(self.stem(x)).mean((2, 3)))


class GroupedConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn(3, 8, 3, 2)
        self.block = ResBottleneckBlock(8, 16, 2, nn.BatchNorm2d, nn.ReLU, group_width=4)
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        return self.head(self.block(self.stem(x)).mean((2, 3)))


class DenseConcat(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.dense = _DenseBlock(num_layers=2, num_input_features=8, bn_size=2, growth_rate=4, drop_rate=0)
        self.transition = _Transition(16, 8)
        self.fire = Fire(8, 4, 4, 4)
        self.pool = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        x = self.pool(self.fire(self.transition(self.dense(self.stem(x)))))
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.1,
                                                activation='gelu', batch_first=True)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        return self.head(self.layer(x).mean(dim=1))


def patch_attention():
    model = torchvision.models.VisionTransformer(image_size=16, patch_size=8, num_layers=1, num_heads=2, hidden_dim=8,
                                                 mlp_dim=16, num_classes=5)
    nn.init.normal_(model.heads.head.weight)  # torchvision starts the head at zero
    nn.init.normal_(model.class_token, std=0.5)
    return model


def window_attention():
    return torchvision.models.SwinTransformer(patch_size=[2, 2], embed_dim=8, depths=[2, 1], num_heads=[2, 2],
                                              window_size=[2, 2], num_classes=5)


def layer_scale():
    model = torchvision.models.ConvNeXt([CNBlockConfig(8, 16, 1), CNBlockConfig(16, None, 1)], num_classes=5)
    for m in model.modules():
        if hasattr(m, 'layer_scale'):
            nn.init.uniform_(m.layer_scale, 0.5, 1.5)  # torchvision starts it at 1e-6
    return model


CASES = {
    'se_silu': (SeSilu, (3, 16, 16)),
    'hardswish_se': (HardswishSe, (3, 16, 16)),
    'channel_shuffle': (ChannelShuffle, (3, 24, 24)),
    'grouped_conv': (GroupedConv, (3, 16, 16)),
    'dense_concat': (DenseConcat, (3, 14, 14)),
    'attention': (Attention, (6, 8)),
    'patch_attention': (patch_attention, (3, 16, 16)),
    'window_attention': (window_attention, (3, 8, 8)),
    'layer_scale': (layer_scale, (3, 16, 16)),
}


def randomize_batch_norm(model):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.copy_(torch.randn_like(m.running_mean) * 0.3)
                m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
                m.weight.copy_(1 + 0.3 * torch.randn_like(m.weight))
                m.bias.copy_(0.3 * torch.randn_like(m.bias))


def gradient(model, x, targets):
    point = x.clone().requires_grad_(True)
    logits = model(point)
    (g,) = torch.autograd.grad(logits.gather(1, targets[:, None]).sum(), point)
    return logits.detach(), g


def make_case(name):
    build, shape = CASES[name]
    torch.manual_seed(SEED)
    model = build()
    randomize_batch_norm(model)
    model.eval()
    x = torch.rand(POINTS, *shape) if len(shape) == 3 else torch.randn(POINTS, *shape)
    with torch.no_grad():
        logits = model(x)
    # The predicted class at the first point, the least likely at the others.
    targets = torch.cat([logits[:1].argmax(dim=1), logits[1:].argmin(dim=1)])
    logits32, g32 = gradient(model, x, targets)
    logits64, g64 = gradient(model.double(), x.double(), targets)
    model.float()
    files = {}
    for opset in OPSETS:
        file = f'{name}-opset{opset}.onnx'
        torch.onnx.export(model, x[:1], os.path.join(OUT, file), input_names=['input'], output_names=['logits'],
                          dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset_version=opset)
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
        'parameters': sum(p.numel() for p in model.parameters()),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = {name: make_case(name) for name in (sys.argv[1:] or CASES)}
    with open(os.path.join(OUT, 'references.json'), 'w') as f:
        json.dump({
            'script': 'packages/onnx/scripts/architecture_references.py',
            'versions': {'torch': torch.__version__, 'torchvision': torchvision.__version__,
                         'numpy': np.__version__, 'python': sys.version.split()[0]},
            'seed': SEED,
            'gradient': 'd logits[k, targets[k]] / d input[k] by autograd in float64 on the float32 weights',
            'cases': cases,
        }, f, indent=1)
        f.write('\n')
    for name, c in cases.items():
        print(name, 'parameters', c['parameters'], 'targets', c['targets'],
              'torch float32 deviation', f"{c['torchFloat32Deviation']:.1e}")


if __name__ == '__main__':
    main()
