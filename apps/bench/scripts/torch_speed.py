#!/usr/bin/python3
"""PyTorch speed reference for the ONNX benchmark: on the same weights (NAME.pt, written by
export_models.py) and the same image, 2 threads, times 50 forward passes at batch 1 and
Integrated Gradients with 50 Gauss-Legendre steps by autograd, as Captum computes it (gradients
of the target logit with respect to a batch of path points), with path points in batches of 6
(as @ig's default) and of 50 (Captum's default: all steps at once). Back-to-back pairs, the
median of five. Prints one JSON object per model.

Needs Debian's python3-torch and python3-torchvision; run with /usr/bin/python3.
Usage: torch_speed.py MODELS_DIR NAME...
"""
import json
import os
import statistics
import sys
import time

import torch

from export_models import ARCHITECTURES, gradient_sum, sample_image

STEPS = 50
PAIRS = 5
BATCHES = (6, 50)


def seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def forwards(model: torch.nn.Module, image: torch.Tensor) -> None:
    with torch.no_grad():
        for _ in range(STEPS):
            model(image)


def measure(models_dir: str, name: str) -> dict:
    model = ARCHITECTURES[name]()
    model.load_state_dict(torch.load(os.path.join(models_dir, f"{name}.pt")))
    model.eval()
    image = sample_image()
    with torch.no_grad():
        target = int(model(image).argmax())
    row = {"model": name, "threads": torch.get_num_threads(), "steps": STEPS, "target": target}
    for batch in BATCHES:
        image * gradient_sum(model, image, target, STEPS, batch)
        pairs = []
        for _ in range(PAIRS):
            forward_seconds = seconds(lambda: forwards(model, image))
            ig_seconds = seconds(lambda: image * gradient_sum(model, image, target, STEPS, batch))
            pairs.append((forward_seconds, ig_seconds))
        row[f"batch{batch}"] = {
            "forwards50Seconds": statistics.median(p[0] for p in pairs),
            "ig50Seconds": statistics.median(p[1] for p in pairs),
            "ratio": statistics.median(p[1] / p[0] for p in pairs),
        }
    return row


def main() -> None:
    torch.set_num_threads(2)
    torch.set_num_interop_threads(1)
    models_dir = sys.argv[1]
    for name in sys.argv[2:]:
        print(json.dumps(measure(models_dir, name)), flush=True)


if __name__ == "__main__":
    main()
