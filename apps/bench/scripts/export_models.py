#!/usr/bin/python3
"""Exports torchvision GoogLeNet (Inception v1), ResNet-18 and MobileNetV2 with random weights to
ONNX (opset 13, input [batch, 3, 224, 224], output logits [batch, 1000]) for the benchmarks, and
computes PyTorch's own Integrated Gradients on the benchmark image as an independent reference.

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


def calibrate_batch_norm(model: torch.nn.Module) -> None:
    """Sets BatchNorm running statistics from random images, as training would: with freshly
    initialised statistics (mean 0, variance 1) the eval-mode activations of GoogLeNet and
    MobileNetV2 shrink layer by layer and the logits become constant, which makes a useless
    benchmark."""
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # cumulative average over the calibration batches
    model.train()
    with torch.no_grad():
        for _ in range(8):
            model(torch.rand(8, 3, 224, 224))
    model.eval()


def sample_image(seed: int = 1) -> torch.Tensor:
    """The benchmark image: the same linear congruential sequence as sampleImage() in src/models.ts."""
    values = np.empty(3 * 224 * 224, dtype=np.float64)
    state = seed
    for i in range(values.size):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        values[i] = state / 4294967296
    return torch.tensor(values.astype(np.float32).reshape(1, 3, 224, 224))


def integrated_gradients_sum(model: torch.nn.Module, image: torch.Tensor, steps: int) -> dict:
    """PyTorch IG of the top class against a black baseline, Gauss-Legendre, in float32."""
    with torch.no_grad():
        logits = model(image)
        target = int(logits.argmax())
        f_input = float(logits[0, target])
        f_baseline = float(model(torch.zeros_like(image))[0, target])
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    total = torch.zeros_like(image)
    for start in range(0, steps, 16):
        alphas = torch.tensor(0.5 * (1 + nodes[start:start + 16]), dtype=torch.float32).view(-1, 1, 1, 1)
        points = (alphas * image).requires_grad_(True)
        model(points)[:, target].sum().backward()
        step = torch.tensor(0.5 * weights[start:start + 16], dtype=torch.float32).view(-1, 1, 1, 1)
        total += (step * points.grad).sum(0, keepdim=True)
    attribution_sum = float((image * total).sum())
    return {"target": target, "steps": steps, "fInput": f_input, "fBaseline": f_baseline, "attributionSum": attribution_sum,
            "relativeError": abs(attribution_sum - (f_input - f_baseline)) / abs(f_input - f_baseline)}


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(2017)
    torch.set_num_threads(2)
    models = {
        # aux_logits off and transform_input off: the plain inference network of the IG paper.
        "googlenet": lambda: torchvision.models.googlenet(weights=None, aux_logits=False, transform_input=False, init_weights=True),
        "resnet18": lambda: torchvision.models.resnet18(weights=None),
        "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    }
    image = sample_image()
    # Every model is built and calibrated in order, even when its files exist, so the random
    # stream and therefore the weights are the same on every run.
    for name, make in models.items():
        model = make()
        calibrate_batch_norm(model)
        example = torch.rand(1, 3, 224, 224)
        path = os.path.join(out_dir, f"{name}.onnx")
        if not os.path.exists(path):
            tmp = path + ".tmp"
            torch.onnx.export(model, example, tmp, opset_version=13, input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)
            os.replace(tmp, path)
            print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)")
        reference = os.path.join(out_dir, f"{name}.torch-ig.json")
        if not os.path.exists(reference):
            result = integrated_gradients_sum(model, image, REFERENCE_STEPS)
            with open(reference + ".tmp", "w") as f:
                json.dump(result, f, indent=1)
            os.replace(reference + ".tmp", reference)
            print(f"wrote {reference}: {result}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "models"))
