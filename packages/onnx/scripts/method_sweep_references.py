#!/usr/bin/python3
"""Every attribution method of @ig/core on models the Captum fixtures do not cover, with Captum
0.7.0's (and PAIR saliency's, for Blur IG and Guided IG) output as the expected values of
test/method-sweep.test.ts.

  bn_cnn      Conv, BatchNorm (eval, random statistics), ReLU, MaxPool twice, global average
              pool, Linear: 3 x H x W to 5 logits; run at 3 x 32 x 32 and non-square 3 x 24 x 40
  two_input   an image 3 x 8 x 8 and a vector of 4 to 3 logits
  segment     a [N, 3, H, W] segmentation output of a grey 1 x 6 x 10 image (one pixel targeted)
  softmax_mlp an MLP whose output is already Softmax probabilities
  grey_cnn    a grey 1 x 12 x 20 classifier for Blur IG and Guided IG (PAIR's GetMask)

Run with Debian's PyTorch and the Captum v0.7.0 and PAIR saliency sources on the path:
  git -C <captum repo> archive v0.7.0 captum | tar -x -C /tmp/captum
  git -C <saliency repo> archive HEAD saliency | tar -x -C /tmp/pair
  PYTHONPATH=/tmp/captum:/tmp/pair /usr/bin/python3 packages/onnx/scripts/method_sweep_references.py
Writes packages/onnx/test/fixtures/method-sweep/: NAME.onnx, the inputs, baselines, noise and
attributions as .npy, and references.json naming them.
"""
import json
import os
import sys

sys.dont_write_bytecode = True

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', '..', 'scripts', 'fixtures'))
import captum_stub  # noqa: E402,F401  (before captum)
from captum.attr import InputXGradient, IntegratedGradients, NoiseTunnel, Saliency  # noqa: E402
import importlib.util  # noqa: E402
import types  # noqa: E402

# PAIR's package __init__ imports every method (skimage, for Grad-CAM); load only the two cores.
_root = os.path.dirname(importlib.util.find_spec('saliency').origin)
for package, path in (('saliency', _root), ('saliency.core', os.path.join(_root, 'core'))):
    sys.modules[package] = types.ModuleType(package)
    sys.modules[package].__path__ = [path]
from saliency.core.blur_ig import BlurIG  # noqa: E402
from saliency.core.guided_ig import GuidedIG  # noqa: E402
from saliency.core.base import INPUT_OUTPUT_GRADIENTS  # noqa: E402

OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'method-sweep')
SEED = 23


class BnCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        return self.fc(self.features(x).mean(dim=(2, 3)))


class TwoInput(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.vec = nn.Linear(4, 4)
        self.head = nn.Linear(8, 3)

    def forward(self, image, vector):
        a = torch.tanh(self.conv(image)).mean(dim=(2, 3))
        return self.head(torch.cat([a, torch.tanh(self.vec(vector))], dim=1))


class Segment(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(1, 4, 3, padding=1)
        self.b = nn.Conv2d(4, 3, 3, padding=1)

    def forward(self, x):
        return self.b(torch.tanh(self.a(x)))


class SoftmaxMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 4), nn.Softmax(dim=1))

    def forward(self, x):
        return self.net(x)


class GreyCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 3, padding=1)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        return self.fc(torch.tanh(self.conv(x)).mean(dim=(2, 3)))


def build(cls):
    model = cls()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.3, 0.3)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    return model.eval()


def save(name, array):
    np.save(os.path.join(OUT, f'{name}.npy'), np.ascontiguousarray(array, dtype=np.float32))
    return f'{name}.npy'


def export(model, name, args, input_names, dynamic_hw=False):
    axes = {n: {0: 'n'} for n in input_names}
    if dynamic_hw:
        axes = {n: {0: 'n', 2: 'h', 3: 'w'} for n in input_names}
    torch.onnx.export(model, args, os.path.join(OUT, f'{name}.onnx'), input_names=input_names, output_names=['out'],
                      dynamic_axes={**axes, 'out': {0: 'n'}}, opset_version=13)
    return f'{name}.onnx'


def np32(t):
    return t.detach().numpy().astype(np.float32)


def recorded_noise(run):
    """Runs `run` with torch.normal recorded: Captum's NoiseTunnel draws its noise with it."""
    drawn, normal = [], torch.normal

    def recording(*args, **kwargs):
        drawn.append(normal(*args, **kwargs))
        return drawn[-1]

    torch.normal = recording
    try:
        result = run()
    finally:
        torch.normal = normal
    return result, drawn


def bn_cnn_cases(cases):
    model = build(BnCnn)
    export(model, 'bn_cnn', (torch.zeros(1, 3, 32, 32),), ['image'], dynamic_hw=True)
    batch = torch.rand(3, 3, 32, 32) * 2 - 1
    targets = [0, 3, 1]
    wide = torch.rand(2, 3, 24, 40) * 2 - 1
    baseline = torch.rand(3, 3, 32, 32) * 0.2
    files = {'batch': save('bn_cnn.batch', batch), 'wide': save('bn_cnn.wide', wide), 'baseline': save('bn_cnn.baseline', baseline)}
    ig = IntegratedGradients(model)
    runs = {
        'ig_gl32': (lambda: ig.attribute(batch, target=targets, n_steps=32, method='gausslegendre'), 'batch', targets),
        'ig_trapezoid32_baseline': (lambda: ig.attribute(batch, baselines=baseline, target=targets, n_steps=32,
                                                         method='riemann_trapezoid'), 'batch', targets),
        'ig_no_multiply_gl32': (lambda: IntegratedGradients(model, multiply_by_inputs=False).attribute(
            batch, target=targets, n_steps=32, method='gausslegendre'), 'batch', targets),
        'saliency': (lambda: Saliency(model).attribute(batch, target=targets, abs=False), 'batch', targets),
        'saliency_abs': (lambda: Saliency(model).attribute(batch, target=targets, abs=True), 'batch', targets),
        'input_x_gradient': (lambda: InputXGradient(model).attribute(batch, target=targets), 'batch', targets),
        'wide_ig_gl32': (lambda: ig.attribute(wide, target=[2, 4], n_steps=32, method='gausslegendre'), 'wide', [2, 4]),
        'wide_saliency': (lambda: Saliency(model).attribute(wide, target=[2, 4], abs=False), 'wide', [2, 4]),
    }
    for key, (run, inp, target) in runs.items():
        cases.append({'id': f'bn_cnn/{key}', 'model': 'bn_cnn.onnx', 'inputs': [files[inp]], 'target': target,
                      'attributions': [save(f'bn_cnn.{key}', np32(run()))],
                      **({'baselines': [files['baseline']]} if 'baseline' in key else {})})
    noise_cases(cases, model, 'bn_cnn', [batch[:1]], [save('bn_cnn.x0', batch[:1])], 3, 0.1)
    # Expected gradients' expectation: the mean over the reference set of IG from each reference.
    references = torch.rand(4, 3, 32, 32) * 0.5
    x = batch[1:2]
    exact = sum(ig.attribute(x, baselines=references[r:r + 1], target=3, n_steps=64, method='gausslegendre')
                for r in range(4)) / 4
    deltas = [float(model(x)[0, 3] - model(references[r:r + 1])[0, 3]) for r in range(4)]
    cases.append({'id': 'bn_cnn/expected_gradients_expectation', 'model': 'bn_cnn.onnx', 'inputs': [save('bn_cnn.x1', x)],
                  'references': [save('bn_cnn.references', references)], 'target': [3],
                  'attributions': [save('bn_cnn.expected_gradients_expectation', np32(exact))],
                  'mean_delta': float(np.mean(deltas))})


def noise_cases(cases, model, name, inputs, input_files, target, stdev):
    for method_name, method, kwargs in [('ig_gl16', IntegratedGradients(model), {'n_steps': 16, 'method': 'gausslegendre'}),
                                        ('saliency', Saliency(model), {'abs': False})]:
        for kind in ['smoothgrad', 'smoothgrad_sq', 'vargrad']:
            torch.manual_seed(SEED)
            attr, drawn = recorded_noise(lambda: NoiseTunnel(method).attribute(
                tuple(inputs) if len(inputs) > 1 else inputs[0], nt_type=kind, nt_samples=4,
                stdevs=stdev, target=target, **kwargs))
            attr = attr if isinstance(attr, tuple) else (attr,)
            key = f'{method_name}_{kind}'
            cases.append({'id': f'{name}/{key}', 'model': f'{name}.onnx', 'inputs': input_files, 'target': [target],
                          'noise': [save(f'{name}.{key}.noise{i}', np32(d)) for i, d in enumerate(drawn)],
                          'attributions': [save(f'{name}.{key}.{i}', np32(a)) for i, a in enumerate(attr)]})


def two_input_cases(cases):
    model = build(TwoInput)
    image, vector = torch.rand(2, 3, 8, 8) * 2 - 1, torch.rand(2, 4) * 2 - 1
    export(model, 'two_input', (image[:1], vector[:1]), ['image', 'vector'])
    files = [save('two_input.image', image), save('two_input.vector', vector)]
    targets = [2, 0]
    runs = {
        'ig_gl32': IntegratedGradients(model).attribute((image, vector), target=targets, n_steps=32, method='gausslegendre'),
        'saliency': Saliency(model).attribute((image, vector), target=targets, abs=False),
        'input_x_gradient': InputXGradient(model).attribute((image, vector), target=targets),
    }
    for key, attr in runs.items():
        cases.append({'id': f'two_input/{key}', 'model': 'two_input.onnx', 'inputs': files, 'target': targets,
                      'attributions': [save(f'two_input.{key}.{i}', np32(a)) for i, a in enumerate(attr)]})
    one = [save('two_input.image1', image[:1]), save('two_input.vector1', vector[:1])]
    noise_cases(cases, model, 'two_input', [image[:1], vector[:1]], one, 1, 0.2)


def segment_cases(cases):
    model = build(Segment)
    x = torch.rand(1, 1, 6, 10) * 2 - 1
    export(model, 'segment', (x,), ['image'])
    c, h, w = 2, 4, 7
    flat = (c * 6 + h) * 10 + w
    for key, attr in {
        'ig_gl32': IntegratedGradients(model).attribute(x, target=(c, h, w), n_steps=32, method='gausslegendre'),
        'saliency': Saliency(model).attribute(x, target=(c, h, w), abs=False),
        'input_x_gradient': InputXGradient(model).attribute(x, target=(c, h, w)),
    }.items():
        cases.append({'id': f'segment/{key}', 'model': 'segment.onnx', 'inputs': [save('segment.x', x)], 'target': [flat],
                      'pixel': [c, h, w], 'attributions': [save(f'segment.{key}', np32(attr))]})


def softmax_cases(cases):
    model = build(SoftmaxMlp)
    x = torch.rand(3, 6) * 4 - 2
    export(model, 'softmax_mlp', (x[:1],), ['x'])
    targets = [1, 3, 0]
    for key, attr in {
        'ig_gl32': IntegratedGradients(model).attribute(x, target=targets, n_steps=32, method='gausslegendre'),
        'saliency': Saliency(model).attribute(x, target=targets, abs=False),
        'input_x_gradient': InputXGradient(model).attribute(x, target=targets),
    }.items():
        cases.append({'id': f'softmax_mlp/{key}', 'model': 'softmax_mlp.onnx', 'inputs': [save('softmax_mlp.x', x)],
                      'target': targets, 'attributions': [save(f'softmax_mlp.{key}', np32(attr))]})


def grey_cases(cases):
    model = build(GreyCnn)
    x = torch.rand(1, 1, 12, 20)
    export(model, 'grey_cnn', (x,), ['image'])
    double = build(GreyCnn).double()
    double.load_state_dict(model.state_dict())
    double = double.double()
    target = 2

    def call(batch, call_model_args=None, expected_keys=None):
        # PAIR's images are H x W x C; the model's 1 x H x W.
        t = torch.tensor(np.asarray(batch, dtype=np.float64)).permute(0, 3, 1, 2).requires_grad_(True)
        double(t)[:, target].sum().backward()
        return {INPUT_OUTPUT_GRADIENTS: t.grad.permute(0, 2, 3, 1).numpy()}

    hwc = x[0].permute(1, 2, 0).double().numpy()
    blur = BlurIG().GetMask(hwc, call, max_sigma=4, steps=32, grad_step=0.01)
    blur_sqrt = BlurIG().GetMask(hwc, call, max_sigma=4, steps=32, grad_step=0.01, sqrt=True)
    guided = GuidedIG().GetMask(hwc, call, x_baseline=np.zeros_like(hwc), x_steps=32, fraction=0.25, max_dist=0.02)
    inp = save('grey_cnn.x', x)
    for key, attr, options in [('blur_ig', blur, {'maxSigma': 4, 'steps': 32}),
                               ('blur_ig_sqrt', blur_sqrt, {'maxSigma': 4, 'steps': 32, 'sqrt': True}),
                               ('guided_ig', guided, {'steps': 32, 'fraction': 0.25, 'maxDist': 0.02})]:
        chw = np.asarray(attr).transpose(2, 0, 1)[None]
        cases.append({'id': f'grey_cnn/{key}', 'model': 'grey_cnn.onnx', 'inputs': [inp], 'target': [target],
                      'options': options, 'attributions': [save(f'grey_cnn.{key}', chw)]})


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    cases = []
    bn_cnn_cases(cases)
    two_input_cases(cases)
    segment_cases(cases)
    softmax_cases(cases)
    grey_cases(cases)
    import captum
    with open(os.path.join(OUT, 'references.json'), 'w') as f:
        json.dump({'source': f'Captum {captum.__version__} and PAIR saliency (Blur IG, Guided IG, float64 gradients), '
                             f'torch {torch.__version__}; packages/onnx/scripts/method_sweep_references.py',
                   'cases': cases}, f, indent=1)
    print(f'wrote {len(cases)} cases')


if __name__ == '__main__':
    main()
