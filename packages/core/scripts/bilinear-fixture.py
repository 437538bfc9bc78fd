"""Writes test/fixtures/bilinear-resize.json: torch's bilinear interpolation (align_corners=False,
no antialiasing) of a seeded random 7 x 5 RGBA image to several sizes, as floats before rounding:
the reference for resizeBilinear.

Run with a Python that has torch: /usr/bin/python3 scripts/bilinear-fixture.py
"""
import json
import pathlib

import torch

torch.manual_seed(7)
image = torch.randint(0, 256, (1, 4, 5, 7)).float()  # N x C x H x W: width 7, height 5
out = {'width': 7, 'height': 5, 'rgba': image[0].permute(1, 2, 0).reshape(-1).int().tolist(), 'resized': []}
for (width, height) in [(11, 3), (3, 9), (2, 2), (7, 13), (1, 1)]:
    resized = torch.nn.functional.interpolate(image, size=(height, width), mode='bilinear', align_corners=False, antialias=False)
    out['resized'].append({'width': width, 'height': height, 'rgba': [round(v, 5) for v in resized[0].permute(1, 2, 0).reshape(-1).tolist()]})
out['source'] = ('torch %s: torch.nn.functional.interpolate(mode="bilinear", align_corners=False, antialias=False) '
                 'on a seeded random 7x5 RGBA image (seed 7), float outputs before rounding' % torch.__version__)
path = pathlib.Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'bilinear-resize.json'
path.write_text(json.dumps(out))
