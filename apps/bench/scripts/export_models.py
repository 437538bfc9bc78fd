#!/usr/bin/python3
"""Exports torchvision GoogLeNet (Inception v1), ResNet-18 and MobileNetV2 with random weights to
ONNX (opset 13, input [batch, 3, 224, 224], output logits [batch, 1000]) for the benchmarks, and
computes PyTorch's own Integrated Gradients on the benchmark image as an independent reference.
The unit-variance weights are also saved as NAME.pt for the PyTorch speed reference.

Two weight variants per architecture, both from torchvision's own random initialisation:
- `NAME.onnx` ("unit-variance"): BatchNorm running variances calibrated on random images so every
  channel has unit variance, running means left at zero (data-dependent initialisation in the
  spirit of LSUV). Without it GoogLeNet's and MobileNetV2's signals vanish layer by layer and their
  logits are exactly constant. These networks have no bias before the classifier, so they are
  positively homogeneous: against a black baseline the gradient is constant along the path and
  completeness checks the gradients themselves (Euler's identity), whatever the step count.
- `NAME-shifted.onnx` ("mean-shifted"): running means calibrated too, so every BatchNorm adds a
  bias and the path crosses many ReLU kinks: the quadrature has real work to do, and completeness
  at 128 steps is far from 1% in PyTorch as well. The reference tells whether we agree with it.

Needs Debian's python3-torch and python3-torchvision; run with /usr/bin/python3.
Usage: export_models.py OUT_DIR
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision

REFERENCE_STEPS = 128
ARCHITECTURES = {
    # aux_logits off and transform_input off: the plain inference network of the IG paper.
    "googlenet": lambda: torchvision.models.googlenet(weights=None, aux_logits=False, transform_input=False, init_weights=True),
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
}
VARIANTS = {"": False, "-shifted": True}


def calibrate_batch_norm(model: torch.nn.Module, keep_means: bool) -> None:
    """Sets BatchNorm running statistics from random images, as training would; unless
    `keep_means`, folds the means into the variances (E[x²]) and zeroes them."""
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for module in norms:
        module.reset_running_stats()
        module.momentum = None  # cumulative average over the calibration batches
    model.train()
    with torch.no_grad():
        for _ in range(8):
            model(torch.rand(8, 3, 224, 224))
    model.eval()
    if not keep_means:
        for module in norms:
            module.running_var += module.running_mean ** 2
            module.running_mean.zero_()


def sample_image(seed: int = 1) -> torch.Tensor:
    """The benchmark image: the same linear congruential sequence as sampleImage() in src/models.ts."""
    values = np.empty(3 * 224 * 224, dtype=np.float64)
    state = seed
    for i in range(values.size):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        values[i] = state / 4294967296
    return torch.tensor(values.astype(np.float32).reshape(1, 3, 224, 224))


def gradient_sum(model: torch.nn.Module, image: torch.Tensor, target: int, steps: int, batch: int) -> torch.Tensor:
    """Σ wₖ ∂logit[target]/∂x at the Gauss-Legendre points αₖ·image, in batches of `batch` points:
    the path integral of IG against a black baseline, by autograd as Captum computes it."""
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    total = torch.zeros_like(image)
    for start in range(0, steps, batch):
        alphas = torch.tensor(0.5 * (1 + nodes[start:start + batch]), dtype=torch.float32).view(-1, 1, 1, 1)
        points = (alphas * image).requires_grad_(True)
        (gradient,) = torch.autograd.grad(model(points)[:, target].sum(), points)
        step = torch.tensor(0.5 * weights[start:start + batch], dtype=torch.float32).view(-1, 1, 1, 1)
        total += (step * gradient).sum(0, keepdim=True)
    return total


def integrated_gradients(model: torch.nn.Module, image: torch.Tensor, steps: int) -> tuple[dict, np.ndarray]:
    """PyTorch IG of the top class against a black baseline, Gauss-Legendre, in float32."""
    with torch.no_grad():
        logits = model(image)
        target = int(logits.argmax())
        f_input = float(logits[0, target])
        f_baseline = float(model(torch.zeros_like(image))[0, target])
    attributions = (image * gradient_sum(model, image, target, steps, 16)).numpy().astype(np.float32).reshape(-1)
    attribution_sum = float(attributions.astype(np.float64).sum())
    summary = {"target": target, "steps": steps, "fInput": f_input, "fBaseline": f_baseline, "attributionSum": attribution_sum,
               "relativeError": abs(attribution_sum - (f_input - f_baseline)) / abs(f_input - f_baseline)}
    return summary, attributions


def write_json(path: str, value: dict) -> None:
    with open(path, "w") as f:
        json.dump(value, f, indent=1)


def write_atomically(path: str, write) -> None:
    tmp = path + ".tmp"
    write(tmp)
    os.replace(tmp, path)


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(2017)
    torch.set_num_threads(2)
    image = sample_image()
    # Every model is built, calibrated and given an export example in order, even when its files
    # exist, so the random stream and therefore the weights are the same on every run.
    for name, make in ARCHITECTURES.items():
        initial = make().state_dict()
        for suffix, keep_means in VARIANTS.items():
            model = make()
            model.load_state_dict(initial)
            calibrate_batch_norm(model, keep_means)
            base = os.path.join(out_dir, f"{name}{suffix}")
            # Drawn even when the file exists, so that later models get the same weights as on a
            # run that exported everything.
            example = torch.rand(1, 3, 224, 224)
            if not os.path.exists(base + ".onnx"):
                write_atomically(base + ".onnx", lambda tmp: torch.onnx.export(
                    model, example, tmp, opset_version=13, input_names=["input"], output_names=["logits"],
                    dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True))
                print(f"wrote {base}.onnx ({os.path.getsize(base + '.onnx') / 1e6:.1f} MB)")
            if suffix == "" and not os.path.exists(base + ".pt"):
                # The same weights for the PyTorch speed reference (scripts/torch_speed.py).
                write_atomically(base + ".pt", lambda tmp: torch.save(model.state_dict(), tmp))
                print(f"wrote {base}.pt")
            if not os.path.exists(base + ".torch-ig.json"):
                summary, attributions = integrated_gradients(model, image, REFERENCE_STEPS)
                write_atomically(base + ".torch-ig.f32", lambda tmp: attributions.tofile(tmp))
                write_atomically(base + ".torch-ig.json", lambda tmp: write_json(tmp, summary))
                print(f"wrote {base}.torch-ig.json: {summary}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "models"))
