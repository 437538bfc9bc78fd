#!/usr/bin/python3
"""Exports torchvision architectures with random weights, and the input gradient of one logit by
PyTorch autograd, for scripts/check-torchvision.mjs (a manual re-check, not run in CI).

Each architecture is built with torchvision's own random initialisation (seeded), its BatchNorm
running statistics set from random images (as training would; means and variances both, so every
BatchNorm adds a bias), put in eval mode and exported at opset 13 and at the highest opset this
torch exports. For each model the script writes, in OUT_DIR:
  NAME-opsetK.onnx       the model (input `input` [batch, ...], output `logits` [batch, classes])
  NAME.json              input shape [points, ...], target per point, torch version, and files:
  NAME.input.f32         the input points (float32, little endian, row-major)
  NAME.gradient.f32      d logits[k, target_k] / d input_k at each point k, by autograd in float32
  NAME.gradient64.f32    the same computed in float64 (stored as float32)
  NAME.gradient-folded.f32  the same in float32 with BatchNorm folded into the convolutions
The last two measure how far rounding alone moves torch's own gradient: a ReLU or max-pool
input within rounding of its kink flips in one computation and not in the other.

Needs Debian's python3-torch and python3-torchvision; run with /usr/bin/python3.
Usage: torchvision_models.py OUT_DIR [NAME ...]
(no NAME: every architecture of ARCHITECTURES; those of EXTRA_ARCHITECTURES only by name)
"""
import copy
import json
import os
import sys

import numpy as np
import torch
import torchvision
from torch.nn.utils.fusion import fuse_conv_bn_eval
from torch.onnx._constants import ONNX_MAX_OPSET

OPSETS = sorted({13, ONNX_MAX_OPSET})
SEED = 20261206
POINTS = 3  # random inputs per model, each with its own target (the predicted class)


class TinyEncoder(torch.nn.Module):
    """One batch-first transformer encoder layer (self-attention, LayerNorm, GELU feed-forward)
    on a [batch, 16, 32] sequence, mean-pooled over tokens into 10 logits."""

    def __init__(self):
        super().__init__()
        self.layer = torch.nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.1,
                                                      activation='gelu', batch_first=True)
        self.head = torch.nn.Linear(32, 10)

    def forward(self, x):
        return self.head(self.layer(x).mean(dim=1))


class PooledSegmentation(torch.nn.Module):
    """LR-ASPP MobileNetV3-Large (bilinear Resize, Hardswish, SE) with its per-pixel class scores
    averaged over the image: one logit per class."""

    def __init__(self):
        super().__init__()
        self.net = torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)

    def forward(self, x):
        return self.net(x)['out'].mean((2, 3))


class InceptionBlocks(torch.nn.Module):
    """Inception v3's five block types in a row (branches of 1×7 / 7×1 and 1×3 / 3×1 kernels,
    average-pool branches, strided reductions, Concat) on a 17×17 input: the blocks without the
    depth that makes the whole network's float32 gradient sensitive to rounding."""

    def __init__(self):
        super().__init__()
        from torchvision.models.inception import InceptionA, InceptionB, InceptionC, InceptionD, InceptionE
        self.blocks = torch.nn.Sequential(InceptionA(3, 8), InceptionB(232), InceptionC(712, 8), InceptionD(768),
                                          InceptionE(1280))
        self.head = torch.nn.Linear(2048, 10)

    def forward(self, x):
        return self.head(self.blocks(x).mean((2, 3)))


IMAGE = (3, 224, 224)
ARCHITECTURES = {
    'squeezenet1_1': (lambda: torchvision.models.squeezenet1_1(weights=None), IMAGE),
    'shufflenet_v2_x0_5': (lambda: torchvision.models.shufflenet_v2_x0_5(weights=None), IMAGE),
    'mnasnet0_5': (lambda: torchvision.models.mnasnet0_5(weights=None), IMAGE),
    'efficientnet_b0': (lambda: torchvision.models.efficientnet_b0(weights=None), IMAGE),
    'regnet_x_400mf': (lambda: torchvision.models.regnet_x_400mf(weights=None), IMAGE),
    'densenet121': (lambda: torchvision.models.densenet121(weights=None), IMAGE),
    'mobilenet_v3_small': (lambda: torchvision.models.mobilenet_v3_small(weights=None), IMAGE),
    'transformer_encoder': (TinyEncoder, (16, 32)),
}
# Exported only when named (larger files, slower runs): heavier or less common architectures.
EXTRA_ARCHITECTURES = {
    'alexnet': (lambda: torchvision.models.alexnet(weights=None), IMAGE),
    'inception_v3': (lambda: torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=True), (3, 299, 299)),
    'swin_t': (lambda: torchvision.models.swin_t(weights=None), IMAGE),
    'lraspp_pooled': (PooledSegmentation, IMAGE),
    'inception_blocks': (InceptionBlocks, (3, 17, 17)),
}


def logits_at(logits, targets):
    return logits.gather(1, targets[:, None])[:, 0]


def fold_batch_norm(model):
    """The model with each Conv2d → BatchNorm2d pair of a Sequential folded into one Conv2d, as the
    ONNX export folds them: the same function, rounded differently."""
    model = copy.deepcopy(model)
    for module in list(model.modules()):
        if isinstance(module, torch.nn.Sequential):
            keys = list(module._modules)
            for a, b in zip(keys, keys[1:]):
                conv, norm = module._modules[a], module._modules[b]
                if isinstance(conv, torch.nn.Conv2d) and isinstance(norm, torch.nn.BatchNorm2d):
                    module._modules[a] = fuse_conv_bn_eval(conv, norm)
                    module._modules[b] = torch.nn.Identity()
    return model


def calibrate_batch_norm(model, shape):
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    for module in norms:
        module.reset_running_stats()
        module.momentum = None  # cumulative average over the calibration batches
    model.train()
    with torch.no_grad():
        for _ in range(4):
            model(torch.rand(8, *shape))


def export(name, out_dir):
    make, shape = {**ARCHITECTURES, **EXTRA_ARCHITECTURES}[name]
    torch.manual_seed(SEED)
    model = make()
    calibrate_batch_norm(model, shape)
    model.eval()
    points = POINTS
    x = torch.rand(points, *shape) if len(shape) == 3 else torch.randn(points, *shape)
    with torch.no_grad():
        logits = model(x)
    targets = logits.argmax(dim=1)
    point = x.clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(logits_at(model(point), targets).sum(), point)
    # The same gradient in float64: how far float32 rounding alone moves torch's own gradient
    # (ReLU and max-pool kinks within rounding of a pre-activation flip in one precision only).
    point64 = x.double().requires_grad_(True)
    (gradient64,) = torch.autograd.grad(logits_at(model.double()(point64), targets).sum(), point64)
    model.float()
    point = x.clone().requires_grad_(True)
    (folded,) = torch.autograd.grad(logits_at(fold_batch_norm(model)(point), targets).sum(), point)
    files = {}
    for opset in OPSETS:
        file = f'{name}-opset{opset}.onnx'
        torch.onnx.export(model, x[:1], os.path.join(out_dir, file), input_names=['input'], output_names=['logits'],
                          dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, opset_version=opset)
        files[str(opset)] = file
    x.numpy().astype('<f4').tofile(os.path.join(out_dir, f'{name}.input.f32'))
    gradient.numpy().astype('<f4').tofile(os.path.join(out_dir, f'{name}.gradient.f32'))
    gradient64.numpy().astype('<f4').tofile(os.path.join(out_dir, f'{name}.gradient64.f32'))
    folded.numpy().astype('<f4').tofile(os.path.join(out_dir, f'{name}.gradient-folded.f32'))
    meta = {
        'name': name, 'models': files, 'inputShape': list(x.shape), 'classes': logits.shape[1],
        'targets': targets.tolist(), 'logits': logits_at(logits, targets).tolist(),
        'input': f'{name}.input.f32', 'gradient': f'{name}.gradient.f32', 'gradient64': f'{name}.gradient64.f32',
        'gradientFolded': f'{name}.gradient-folded.f32',
        'seed': SEED, 'torch': torch.__version__, 'torchvision': torchvision.__version__,
    }
    with open(os.path.join(out_dir, f'{name}.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(name, 'targets', meta['targets'], 'opsets', OPSETS, flush=True)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name in sys.argv[2:] or ARCHITECTURES:
        export(name, out_dir)


if __name__ == '__main__':
    main()
