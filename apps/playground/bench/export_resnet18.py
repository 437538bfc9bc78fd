"""Writes torchvision's ResNet-18 (random weights, seed 0, eval mode) as ONNX for the browser benchmark:
opset 13, input [batch, 3, 224, 224], logits [batch, 1000]. Needs Debian's python3-torch and
python3-torchvision; run with /usr/bin/python3."""
import sys

import torch
import torchvision


def main(path: str) -> None:
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    example = torch.rand(1, 3, 224, 224)
    torch.onnx.export(model, example, path, opset_version=13, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)


if __name__ == "__main__":
    main(sys.argv[1])
