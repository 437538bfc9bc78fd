#!/usr/bin/python3
"""A spatial transformer classifier (PyTorch's STN tutorial) and the input gradient of one of its
logits by PyTorch autograd in float64: the expected values of test/grid-sample-stn.test.ts.

The network: localization conv net -> fc -> theta (2x3) -> F.affine_grid -> F.grid_sample
(bilinear, zeros, align_corners=False) -> classifier conv net -> 10 logits. The weights are
seeded; the last localization layer gets small random weights (the tutorial zeroes them, which
would make theta constant) so that the gradient also flows through theta and the grid.

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/stn_reference.py
Writes packages/onnx/test/fixtures/stn/stn.onnx (opset 16: GridSample, and affine_grid written
out as standard ops) and stn_reference.json (input, logits and the float64 gradient of one logit).
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TARGET = 3


def centres(length):
    """Normalized coordinates of the pixel centres without align_corners."""
    return (torch.arange(length, dtype=torch.float32) * 2 + 1) / length - 1


class SpatialTransformerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)
        self.localization = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=7), nn.MaxPool2d(2, stride=2), nn.ReLU(True),
            nn.Conv2d(8, 10, kernel_size=5), nn.MaxPool2d(2, stride=2), nn.ReLU(True))
        self.fc_loc = nn.Sequential(nn.Linear(10 * 3 * 3, 32), nn.ReLU(True), nn.Linear(32, 3 * 2))
        with torch.no_grad():
            self.fc_loc[2].weight.mul_(0.3)
            self.fc_loc[2].bias.copy_(torch.tensor([0.9, 0.1, 0.05, -0.1, 0.9, -0.05]))

        # torch 1.13 cannot export aten::affine_grid_generator: for the export, affine_grid is
        # written out as the product of the base grid and theta (checked equal to F.affine_grid).
        self.written_out = False
        ys, xs = torch.meshgrid(centres(28), centres(28), indexing='ij')
        self.register_buffer('base', torch.stack([xs, ys, torch.ones_like(xs)], -1).view(1, 28 * 28, 3))

    def affine_grid(self, theta, size):
        if not self.written_out:
            return F.affine_grid(theta, size, align_corners=False)
        return torch.matmul(self.base, theta.transpose(1, 2)).view(size[0], size[2], size[3], 2)

    def stn(self, x):
        xs = self.localization(x).view(-1, 10 * 3 * 3)
        theta = self.fc_loc(xs).view(-1, 2, 3)
        grid = self.affine_grid(theta, list(x.size()))
        return F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)

    def forward(self, x):
        x = self.stn(x)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = F.relu(self.fc1(x.view(-1, 320)))
        return self.fc2(x)


def main():
    torch.manual_seed(7)
    model = SpatialTransformerNet().eval()
    image = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(11))
    # A blurred blob over noise, so the localization net sees structure.
    yy, xx = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing='ij')
    image = (0.3 * image + torch.exp(-((yy - 12) ** 2 + (xx - 15) ** 2) / 40.0)).to(torch.float32)

    out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'stn')
    os.makedirs(out, exist_ok=True)
    with torch.no_grad():
        reference_logits = model(image)
        model.written_out = True
        written_logits = model(image)
    assert torch.allclose(reference_logits, written_logits, atol=1e-6), 'the written-out affine_grid differs'
    torch.onnx.export(model, image, os.path.join(out, 'stn.onnx'), opset_version=16,
                      input_names=['image'], output_names=['logits'], do_constant_folding=True)

    model.written_out = False
    double = model.double()
    x = image.double().clone().requires_grad_(True)
    logits = double(x)
    logits[0, TARGET].backward()
    theta = double.fc_loc(double.localization(x).view(-1, 90)).view(-1, 2, 3)
    reference = dict(
        torch=torch.__version__,
        target=TARGET,
        input=image.flatten().tolist(),
        dims=[1, 1, 28, 28],
        logits=logits.detach().flatten().tolist(),
        theta=theta.detach().flatten().tolist(),
        gradient=x.grad.flatten().tolist(),
    )
    with open(os.path.join(out, 'stn_reference.json'), 'w') as f:
        json.dump(reference, f)
    np.save('/tmp/stn_input.npy', image.numpy())


if __name__ == '__main__':
    main()
