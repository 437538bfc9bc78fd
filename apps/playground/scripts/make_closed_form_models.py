"""ONNX image models whose output is known in closed form, for the playground's drop and run tests.

Run with Debian's python3 (python3-onnx):
    /usr/bin/python3 apps/playground/scripts/make_closed_form_models.py
writes apps/playground/test/fixtures/mean-*.onnx. Each takes a [1, 3, 8, 8] picture x and
computes from m = mean(x) (test/closed-form.ts computes the same):
  mean-linear-a.onnx, mean-linear-b.onnx  logits [1, 3] = A·m + B (two classifiers, different A, B)
  mean-sigmoid.onnx                       [1, 1] = sigmoid(2·m − 1)
  mean-regress-n.onnx                     [N] = 3·m − 0.5 (batch axis N: one value per example)
  mean-regress-scalar.onnx                [] = 3·m − 0.5 (batch fixed at 1)
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures")
LINEAR = {"a": ([1.0, 0.0, -1.0], [0.5, 0.0, 0.0]), "b": ([-1.0, 0.0, 2.0], [0.0, 0.3, 0.0])}


def mean_graph(batch, scale, bias, tail, output):
    """x → ReduceMean over C, H, W → [batch, 1] → MatMul scale [1, K] → Add bias [K] → tail nodes → output."""
    k = len(bias)
    nodes = [
        helper.make_node("ReduceMean", ["x"], ["m4"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Flatten", ["m4"], ["m"], axis=1),
        helper.make_node("MatMul", ["m", "scale"], ["scaled"]),
        helper.make_node("Add", ["scaled", "bias"], ["y" if tail else "out"]),
        *tail,
    ]
    inits = [
        numpy_helper.from_array(np.array([scale], dtype=np.float32), "scale"),
        numpy_helper.from_array(np.array(bias, dtype=np.float32), "bias"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "one"),
        numpy_helper.from_array(np.array([], dtype=np.int64), "scalar"),
    ]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3, 8, 8])
    out = helper.make_tensor_value_info("out", TensorProto.FLOAT, output(k))
    graph = helper.make_graph(nodes, "closed_form", [x], [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def save(model, name):
    onnx.save(model, os.path.join(OUT, name))


for key, (scale, bias) in LINEAR.items():
    save(mean_graph(1, scale, bias, [], lambda k: [1, k]), f"mean-linear-{key}.onnx")
save(mean_graph(1, [2.0], [-1.0], [helper.make_node("Sigmoid", ["y"], ["out"])], lambda k: [1, 1]), "mean-sigmoid.onnx")
save(mean_graph("N", [3.0], [-0.5], [helper.make_node("Squeeze", ["y", "one"], ["out"])], lambda k: ["N"]), "mean-regress-n.onnx")
save(mean_graph(1, [3.0], [-0.5], [helper.make_node("Reshape", ["y", "scalar"], ["out"])], lambda k: []), "mean-regress-scalar.onnx")
print("wrote", OUT)
