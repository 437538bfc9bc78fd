"""Tiny seeded ONNX image classifiers that are not the playground's own, for test/user-models.test.ts.

Run with Debian's python3 (python3-torch, python3-onnx):
    /usr/bin/python3 apps/playground/scripts/make_user_models.py
writes apps/playground/test/fixtures/*.onnx (a few KB each).
"""
import os

import onnx
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")


class Pooled(nn.Module):
    """Conv 3×3 → ReLU → global average pool → Linear: any image size."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4, 5)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).mean(dim=(2, 3)))


class TwoInputs(nn.Module):
    """An image and a second float input (a scale), added before the classifier."""

    def __init__(self):
        super().__init__()
        self.cnn = Cnn(3, 32, 32)

    def forward(self, x, scale):
        return self.cnn(x) * scale


class Cnn(nn.Module):
    """Conv 3×3 → ReLU → MaxPool 2 → Linear to 5 classes, for a C×H×W input."""

    def __init__(self, channels, height, width, nhwc=False, two_outputs=False, cast_uint8=False, softmax=False):
        super().__init__()
        self.conv = nn.Conv2d(channels, 4, 3, padding=1)
        self.fc = nn.Linear(4 * (height // 2) * (width // 2), 5)
        self.nhwc, self.two_outputs, self.cast_uint8, self.softmax = nhwc, two_outputs, cast_uint8, softmax

    def forward(self, x):
        if self.cast_uint8:
            x = x.float() / 255.0
        if self.nhwc:
            x = x.permute(0, 3, 1, 2)
        features = torch.flatten(nn.functional.max_pool2d(torch.relu(self.conv(x)), 2), 1)
        logits = self.fc(features)
        if self.softmax:
            return torch.softmax(logits, dim=1)
        return (logits, features) if self.two_outputs else logits


class Heads(nn.Module):
    """Conv 3×3 → ReLU → AvgPool 2 on a 24×36 picture, then four outputs: `kind` (5 logits),
    `colour` (3 probabilities, a softmax), `features` (the [N, 4, 12, 18] map: not a classifier's
    output) and `pooled` (its mean per channel, [N, 4], exported with a symbolic class axis)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.kind = nn.Linear(4 * 12 * 18, 5)
        self.colour = nn.Linear(4 * 12 * 18, 3)

    def forward(self, x):
        features = nn.functional.avg_pool2d(torch.relu(self.conv(x)), 2)
        flat = torch.flatten(features, 1)
        return self.kind(flat), torch.softmax(self.colour(flat), dim=1), features, features.mean(dim=(2, 3))


def export(name, model, example, dynamic_batch=False, output_names=("logits",), input_names=("image",), dynamic_axes=None):
    path = os.path.join(OUT, name)
    torch.onnx.export(
        model,
        example,
        path,
        input_names=list(input_names),
        output_names=list(output_names),
        opset_version=13,
        dynamic_axes=dynamic_axes or ({"image": {0: "N"}} if dynamic_batch else None),
    )
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    export("rgb-32x32.onnx", Cnn(3, 32, 32).eval(), torch.rand(1, 3, 32, 32))
    torch.manual_seed(8)
    export("rgb-32x48.onnx", Cnn(3, 32, 48).eval(), torch.rand(1, 3, 32, 48))
    torch.manual_seed(9)
    export("nhwc-rgb-32x32.onnx", Cnn(3, 32, 32, nhwc=True).eval(), torch.rand(1, 32, 32, 3))
    torch.manual_seed(10)
    export("batch-n-rgb-32x32.onnx", Cnn(3, 32, 32).eval(), torch.rand(1, 3, 32, 32), dynamic_batch=True)
    # The same with the batch axis unnamed (neither a size nor a name), as some exporters write it.
    torch.manual_seed(10)
    path = export("batch-unknown-rgb-32x32.onnx", Cnn(3, 32, 32).eval(), torch.rand(1, 3, 32, 32), dynamic_batch=True)
    model = onnx.load(path)
    model.graph.input[0].type.tensor_type.shape.dim[0].Clear()
    model.graph.output[0].type.tensor_type.shape.dim[0].Clear()
    onnx.save(model, path)
    torch.manual_seed(11)
    export("two-outputs-rgb-32x32.onnx", Cnn(3, 32, 32, two_outputs=True).eval(), torch.rand(1, 3, 32, 32), output_names=("logits", "features"))
    torch.manual_seed(12)
    export("uint8-rgb-32x32.onnx", Cnn(3, 32, 32, cast_uint8=True).eval(), torch.randint(0, 256, (1, 3, 32, 32), dtype=torch.uint8))
    torch.manual_seed(13)
    export("grey-28x28-batch-n.onnx", Cnn(1, 28, 28).eval(), torch.rand(1, 1, 28, 28), dynamic_batch=True)
    torch.manual_seed(16)
    export("softmax-rgb-32x32.onnx", Cnn(3, 32, 32, softmax=True).eval(), torch.rand(1, 3, 32, 32), output_names=("probabilities",))
    # Weights in a side file (external data), as exporters write models over 2 GB.
    torch.manual_seed(17)
    path = export("external-data-rgb-32x32.onnx", Cnn(3, 32, 32).eval(), torch.rand(1, 3, 32, 32))
    data = os.path.join(OUT, "external-data-rgb-32x32.onnx.data")
    if os.path.exists(data):
        os.remove(data)  # onnx appends to an existing data file
    onnx.save_model(onnx.load(path), path, save_as_external_data=True, location="external-data-rgb-32x32.onnx.data", size_threshold=0)
    # The same model in one file, read back by onnx's own loader: the tests' reference for it.
    onnx.save_model(onnx.load(path), os.path.join(OUT, "external-data-rgb-32x32.inlined.onnx"))
    torch.manual_seed(14)
    export("any-size-rgb.onnx", Pooled().eval(), torch.rand(1, 3, 32, 32), dynamic_axes={"image": {0: "N", 2: "H", 3: "W"}})
    torch.manual_seed(18)
    export(
        "heads-rgb-24x36.onnx",
        Heads().eval(),
        torch.rand(1, 3, 24, 36),
        output_names=("kind", "colour", "features", "pooled"),
        dynamic_axes={"image": {0: "N"}, "kind": {0: "N"}, "colour": {0: "N"}, "features": {0: "N"}, "pooled": {0: "N", 1: "channels"}},
    )
    torch.manual_seed(15)
    export("two-inputs.onnx", TwoInputs().eval(), (torch.rand(1, 3, 32, 32), torch.rand(1, 1)), input_names=("image", "scale"))


if __name__ == "__main__":
    main()
