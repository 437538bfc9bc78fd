#!/usr/bin/python3
"""Guided IG of PAIR saliency (saliency/core/guided_ig.py, run from a checkout of
github.com/PAIR-code/saliency) on a ReLU network: the Iris MLP of the Captum references
(4 → 16 → ReLU → 3, trained weights), class 0 of the versicolor row 51, zero baseline, at several
step counts. Writes test/fixtures/guided-ig-relu.json with the weights, the attributions and the
completeness figures, for test/methods/guided-relu.test.ts.

Usage: /usr/bin/python3 scripts/guided-relu-fixture.py SALIENCY_CHECKOUT WEIGHTS_DIR
  (WEIGHTS_DIR: tools/test-fixtures/captum/weights/iris_mlp)
"""
import importlib.util
import json
import os
import sys
import types

import numpy as np

STEPS = [128, 512, 2048, 8192]


def load_guided_ig(checkout):
    # guided_ig.py imports its base class from the package; only guided_ig_impl is used here.
    package = types.ModuleType('saliency.core.base')
    package.CoreSaliency = object
    package.INPUT_OUTPUT_GRADIENTS = 'INPUT_OUTPUT_GRADIENTS'
    sys.modules['saliency.core.base'] = package
    spec = importlib.util.spec_from_file_location('saliency.core.guided_ig', os.path.join(checkout, 'saliency', 'core', 'guided_ig.py'))
    module = importlib.util.module_from_spec(spec)
    module.__package__ = 'saliency.core'
    spec.loader.exec_module(module)
    return module.guided_ig_impl


def main(checkout, weights_dir):
    guided_ig_impl = load_guided_ig(checkout)
    load = lambda name: np.load(os.path.join(weights_dir, name)).astype(np.float64)
    w0, b0, w2, b2 = load('net.0.weight.npy'), load('net.0.bias.npy'), load('net.2.weight.npy'), load('net.2.bias.npy')
    target = 0
    f = lambda x: float((w2 @ np.maximum(w0 @ x + b0, 0) + b2)[target])
    grad = lambda x: w0.T @ ((w0 @ x + b0 > 0) * w2[target])
    x = np.array([7.0, 3.2, 4.7, 1.4])
    baseline = np.zeros(4)
    runs = []
    for steps in STEPS:
        attributions = guided_ig_impl(x, baseline, grad, steps=steps, fraction=0.25, max_dist=0.02)
        runs.append({'steps': steps, 'attributions': attributions.tolist(), 'sum': float(attributions.sum())})
    out = {
        'source': 'PAIR saliency guided_ig_impl, fraction 0.25, max_dist 0.02',
        'weights': {'w0': w0.tolist(), 'b0': b0.tolist(), 'w2': w2.tolist(), 'b2': b2.tolist()},
        'target': target,
        'input': x.tolist(),
        'fInput': f(x),
        'fBaseline': f(baseline),
        'runs': runs,
    }
    path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'guided-ig-relu.json')
    with open(path, 'w') as file:
        json.dump(out, file, indent=1)
        file.write('\n')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
