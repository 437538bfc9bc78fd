#!/usr/bin/python3
"""Exports torchvision GoogLeNet (Inception v1), ResNet-18 and MobileNetV2 with random weights to
ONNX (opset 13, input [batch, 3, 224, 224], output logits [batch, 1000]) for the benchmarks.

Needs Debian's python3-torch and python3-torchvision; run with /usr/bin/python3.
Usage: export_models.py OUT_DIR
"""
import os
import sys

import torch
import torchvision


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


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(2017)
    models = {
        # aux_logits off and transform_input off: the plain inference network of the IG paper.
        "googlenet": lambda: torchvision.models.googlenet(weights=None, aux_logits=False, transform_input=False, init_weights=True),
        "resnet18": lambda: torchvision.models.resnet18(weights=None),
        "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    }
    for name, make in models.items():
        path = os.path.join(out_dir, f"{name}.onnx")
        if os.path.exists(path):
            print(f"{path} exists")
            continue
        model = make()
        calibrate_batch_norm(model)
        example = torch.rand(1, 3, 224, 224)
        tmp = path + ".tmp"
        torch.onnx.export(
            model,
            example,
            tmp,
            opset_version=13,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
            do_constant_folding=True,
        )
        os.replace(tmp, path)
        print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "models"))
