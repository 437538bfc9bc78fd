#!/usr/bin/python3
"""Exports torchvision image architectures at small input sizes for a contextual-decomposition
sweep (`ig hierarchy --score cd` on each; see scripts/cd-sweep.mjs).

Each model is built with torchvision's random initialisation (seeded), its BatchNorm running
statistics re-estimated on random images, put in eval mode and exported at opset 13 and 17 as
NAME-opsetK.onnx (input `input` [batch, 3, S, S], output `logits` [batch, 10]); one random image
per model goes to NAME.npy. AlexNet and VGG11-BN keep their convolutional features but get a
narrow classifier after a global average pool (the full classifiers hold 60–130 M weights, and
their 6×6 / 7×7 adaptive pools do not export for small images); `tiny_vit` is one torchvision
VisionTransformer encoder block on 8×8 patches.

For the models the `acd` package's generic CD handles (ACD_MODELS), with the acd sources on
PYTHONPATH, it also writes NAME.acd.json: acd's relevant and irrelevant logits (float32) for four
H×W masks (all, none, a block, a random half), which scripts/cd-sweep.mjs compares with ours.

Needs Debian's python3-torch and python3-torchvision; run with /usr/bin/python3.
Usage: [PYTHONPATH=/path/to/hierarchical-dnn-interpretations] cd_sweep_models.py OUT_DIR [NAME ...]
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision
from torchvision.models import densenet

OPSETS = (13, 17)
SEED = 20261206
CLASSES = 10


def narrow_classifier(model, features):
    """The model's features, a global average pool and Dropout–Linear–ReLU–Linear (64 wide)."""
    model.avgpool = nn.AdaptiveAvgPool2d(1)
    model.classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(features, 64), nn.ReLU(inplace=True),
                                     nn.Dropout(0.5), nn.Linear(64, CLASSES))
    return model


def densenet_two_blocks():
    """DenseNet-121's stem, first two dense blocks and the transition between them, then BN-ReLU,
    a global average pool and a linear head (the full network's op mix, a fifth of its depth)."""
    full = densenet.densenet121(weights=None, num_classes=CLASSES)
    f = full.features
    body = nn.Sequential(f.conv0, f.norm0, f.relu0, f.pool0, f.denseblock1, f.transition1, f.denseblock2,
                         nn.BatchNorm2d(512), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, CLASSES))
    return body


def tiny_vit():
    model = torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=1, num_heads=2,
                                                 hidden_dim=16, mlp_dim=32, num_classes=CLASSES)
    nn.init.normal_(model.heads.head.weight)  # torchvision starts the head at zero
    return model


M = torchvision.models
ARCHITECTURES = {
    'squeezenet1_1': (lambda: M.squeezenet1_1(weights=None, num_classes=CLASSES), 64),
    'mobilenet_v3_small': (lambda: M.mobilenet_v3_small(weights=None, num_classes=CLASSES), 32),
    'efficientnet_b0': (lambda: M.efficientnet_b0(weights=None, num_classes=CLASSES), 32),
    'densenet121_2blocks': (densenet_two_blocks, 32),
    'regnet_x_400mf': (lambda: M.regnet_x_400mf(weights=None, num_classes=CLASSES), 32),
    'shufflenet_v2_x0_5': (lambda: M.shufflenet_v2_x0_5(weights=None, num_classes=CLASSES), 32),
    'resnet18': (lambda: M.resnet18(weights=None, num_classes=CLASSES), 32),
    'vgg11_bn': (lambda: narrow_classifier(M.vgg11_bn(weights=None, num_classes=CLASSES), 512), 32),
    'alexnet': (lambda: narrow_classifier(M.alexnet(weights=None, num_classes=CLASSES), 256), 64),
    'tiny_vit': (tiny_vit, 32),
}


# acd's cd_generic walks the modules in order: plain conv stacks (VGG's convolution biases start at
# zero, so the exporter's folding of BatchNorm into them leaves acd's two bias splits one).
ACD_MODELS = ('vgg11_bn', 'alexnet')


def acd_reference(name, model, x, out_dir):
    try:
        import types
        sys.modules.setdefault('skimage', types.SimpleNamespace(measure=None))
        from acd.scores.cd import cd
    except ImportError:
        print('  (acd not on PYTHONPATH: no', name + '.acd.json)')
        return
    size = x.shape[-1]
    rng = np.random.default_rng(SEED)
    masks = [np.ones((size, size), np.float32), np.zeros((size, size), np.float32), np.zeros((size, size), np.float32),
             (rng.random((size, size)) < 0.5).astype(np.float32)]
    masks[2][size // 4:size // 2, size // 8:size // 2] = 1
    cases = []
    with torch.no_grad():
        for m in masks:
            rel, irrel = cd(x, model, mask=m[None, None], device='cpu')
            cases.append({'mask': m.flatten().tolist(), 'relevant': rel.flatten().tolist(), 'irrelevant': irrel.flatten().tolist()})
    with open(os.path.join(out_dir, f'{name}.acd.json'), 'w') as f:
        json.dump({'cases': cases}, f)


def calibrate_batch_norm(model, shape):
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for module in norms:
        module.reset_running_stats()
        module.momentum = None  # cumulative average over the calibration batches
    if norms:
        model.train()
        with torch.no_grad():
            for _ in range(4):
                model(torch.rand(8, *shape))
    model.eval()


def build(name):
    make, size = ARCHITECTURES[name]
    torch.manual_seed(SEED)
    model = make()
    shape = (3, size, size)
    calibrate_batch_norm(model, shape)
    return model, shape


def export(name, out_dir):
    model, shape = build(name)
    x = torch.rand(1, *shape)
    for opset in OPSETS:
        torch.onnx.export(model, x, os.path.join(out_dir, f'{name}-opset{opset}.onnx'), input_names=['input'],
                          output_names=['logits'], dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}},
                          opset_version=opset)
    np.save(os.path.join(out_dir, f'{name}.npy'), x.numpy().astype(np.float32))
    if name in ACD_MODELS:
        acd_reference(name, model, x, out_dir)
    print(name, 'exported at opsets', OPSETS, flush=True)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for name in sys.argv[2:] or ARCHITECTURES:
        export(name, out_dir)


if __name__ == '__main__':
    main()
