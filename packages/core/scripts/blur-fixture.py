"""Writes test/fixtures/gaussian_blur.json: scipy.ndimage.gaussian_filter over the spatial axes
only (sigma (s, s, 0) on H x W x C), mode 'constant', truncate 4.0, as Blur IG's reference blur.

Run with a Python that has numpy and scipy: /usr/bin/python3 scripts/blur-fixture.py
"""
import json
import pathlib

import numpy as np
import scipy
from scipy import ndimage

rng = np.random.default_rng(11)
image = rng.uniform(-1.0, 1.0, size=(7, 9, 3))  # H x W x C
cases = []
for sigma in [0.0, 0.01, 0.3, 0.8, 1.7, 2.5, 50.0]:
    blurred = image if sigma == 0 else ndimage.gaussian_filter(image, sigma=[sigma, sigma, 0], mode='constant', truncate=4.0)
    cases.append({'sigma': sigma, 'blurred': blurred.ravel().tolist()})
out = pathlib.Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'gaussian_blur.json'
out.write_text(json.dumps({
    'source': f'scipy {scipy.__version__} ndimage.gaussian_filter, mode constant, truncate 4.0, float64',
    'shape_hwc': list(image.shape),
    'image': image.ravel().tolist(),
    'cases': cases,
}))
print('wrote', out)
