#!/usr/bin/python3
"""A small BERT-like classifier written twice with the same weights: once with onnxruntime's
contrib ops (com.microsoft.EmbedLayerNormalization and com.microsoft.Attention, as the
transformer optimizer writes them), once with standard ONNX ops only. The fixtures of
test/contrib-transformer.test.ts, which checks that both give the same outputs and the same
Integrated Gradients.

token ids, mask → embeddings (word + position, LayerNorm) → self-attention (2 heads, key padding
from the mask) → output projection + residual, LayerNorm → GELU feed-forward + residual,
LayerNorm → first token → tanh pooler → 2 logits.

Run with Debian's onnx and numpy:  /usr/bin/python3 packages/onnx/scripts/contrib_transformer.py
Writes packages/onnx/test/fixtures/contrib-transformer/{contrib,standard}.onnx.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

VOCAB, POSITIONS, HIDDEN, HEADS, FFN, CLASSES = 40, 16, 16, 2, 32, 2
OPSET = 17
rng = np.random.default_rng(7)


def weight(*shape, scale=0.4):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


W = dict(
    word=weight(VOCAB, HIDDEN), position=weight(POSITIONS, HIDDEN, scale=0.2),
    ln0_g=(1 + weight(HIDDEN, scale=0.1)), ln0_b=weight(HIDDEN, scale=0.1),
    qkv=weight(HIDDEN, 3 * HIDDEN, scale=0.3), qkv_b=weight(3 * HIDDEN, scale=0.1),
    out=weight(HIDDEN, HIDDEN, scale=0.3), out_b=weight(HIDDEN, scale=0.1),
    ln1_g=(1 + weight(HIDDEN, scale=0.1)), ln1_b=weight(HIDDEN, scale=0.1),
    ff1=weight(HIDDEN, FFN, scale=0.3), ff1_b=weight(FFN, scale=0.1),
    ff2=weight(FFN, HIDDEN, scale=0.3), ff2_b=weight(HIDDEN, scale=0.1),
    ln2_g=(1 + weight(HIDDEN, scale=0.1)), ln2_b=weight(HIDDEN, scale=0.1),
    pool=weight(HIDDEN, HIDDEN, scale=0.4), pool_b=weight(HIDDEN, scale=0.1),
    cls=weight(HIDDEN, CLASSES, scale=0.6), cls_b=weight(CLASSES, scale=0.1),
)
EPSILON = 1e-12


def initializers(extra=None):
    tensors = [numpy_helper.from_array(v, k) for k, v in W.items()]
    for name, value in (extra or {}).items():
        tensors.append(numpy_helper.from_array(value, name))
    return tensors


def encoder_tail(nodes, attention):
    """Everything after the attention's output [B, S, H]: standard ops only."""
    nodes += [
        helper.make_node('MatMul', [attention, 'out'], ['proj']),
        helper.make_node('Add', ['proj', 'out_b'], ['proj_b']),
        helper.make_node('Add', ['proj_b', 'embedded'], ['res1']),
        helper.make_node('LayerNormalization', ['res1', 'ln1_g', 'ln1_b'], ['h1'], axis=-1, epsilon=EPSILON),
        helper.make_node('MatMul', ['h1', 'ff1'], ['f1']),
        helper.make_node('Add', ['f1', 'ff1_b'], ['f1_b']),
        # GELU as BERT computes it, x·(1 + erf(x/√2))/2, in standard ops.
        helper.make_node('Mul', ['f1_b', 'inv_sqrt2'], ['f1_s']),
        helper.make_node('Erf', ['f1_s'], ['f1_e']),
        helper.make_node('Add', ['f1_e', 'one_float'], ['f1_e1']),
        helper.make_node('Mul', ['f1_b', 'f1_e1'], ['f1_m']),
        helper.make_node('Mul', ['f1_m', 'half'], ['f1_r']),
        helper.make_node('MatMul', ['f1_r', 'ff2'], ['f2']),
        helper.make_node('Add', ['f2', 'ff2_b'], ['f2_b']),
        helper.make_node('Add', ['f2_b', 'h1'], ['res2']),
        helper.make_node('LayerNormalization', ['res2', 'ln2_g', 'ln2_b'], ['h2'], axis=-1, epsilon=EPSILON),
        helper.make_node('Gather', ['h2', 'zero'], ['first'], axis=1),
        helper.make_node('MatMul', ['first', 'pool'], ['pooled']),
        helper.make_node('Add', ['pooled', 'pool_b'], ['pooled_b']),
        helper.make_node('Tanh', ['pooled_b'], ['pooled_t']),
        helper.make_node('MatMul', ['pooled_t', 'cls'], ['scores']),
        helper.make_node('Add', ['scores', 'cls_b'], ['logits']),
    ]
    return nodes


def model(nodes, extra, opsets):
    ids = helper.make_tensor_value_info('input_ids', TensorProto.INT32, ['batch', 'sequence'])
    mask = helper.make_tensor_value_info('attention_mask', TensorProto.INT32, ['batch', 'sequence'])
    logits = helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch', CLASSES])
    graph = helper.make_graph(nodes, 'contrib_transformer', [ids, mask], [logits], initializers({'zero': np.array(0, np.int64), 'inv_sqrt2': np.array(1 / np.sqrt(2), np.float32), 'one_float': np.array(1, np.float32), 'half': np.array(0.5, np.float32), **extra}))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v) for d, v in opsets], producer_name='ig-onnx-tests')
    m.ir_version = 8
    return m


def contrib_model():
    nodes = [
        helper.make_node('EmbedLayerNormalization', ['input_ids', '', 'word', 'position', '', 'ln0_g', 'ln0_b', 'attention_mask'],
                         ['embedded', 'mask_index'], domain='com.microsoft', epsilon=EPSILON),
        helper.make_node('Attention', ['embedded', 'qkv', 'qkv_b', 'mask_index'], ['attended'], domain='com.microsoft', num_heads=HEADS),
    ]
    return model(encoder_tail(nodes, 'attended'), {}, [('', OPSET), ('com.microsoft', 1)])


def standard_model():
    head = HIDDEN // HEADS
    nodes = [
        helper.make_node('Gather', ['word', 'input_ids'], ['words'], axis=0),
        helper.make_node('Shape', ['input_ids'], ['ids_shape']),
        helper.make_node('Gather', ['ids_shape', 'one'], ['length'], axis=0),
        helper.make_node('Range', ['zero', 'length', 'one'], ['position_ids']),
        helper.make_node('Gather', ['position', 'position_ids'], ['positions'], axis=0),
        helper.make_node('Add', ['words', 'positions'], ['embedding_sum']),
        helper.make_node('LayerNormalization', ['embedding_sum', 'ln0_g', 'ln0_b'], ['embedded'], axis=-1, epsilon=EPSILON),
        helper.make_node('MatMul', ['embedded', 'qkv'], ['qkv_p']),
        helper.make_node('Add', ['qkv_p', 'qkv_b'], ['qkv_pb']),
        helper.make_node('Split', ['qkv_pb', 'widths'], ['q', 'k', 'v'], axis=2),
    ]
    for x in 'qkv':
        nodes += [helper.make_node('Reshape', [x, 'heads_shape'], [f'{x}_h']),
                  helper.make_node('Transpose', [f'{x}_h'], [f'{x}_t'], perm=[0, 2, 1, 3])]
    nodes += [
        helper.make_node('Transpose', ['k_t'], ['k_tt'], perm=[0, 1, 3, 2]),
        helper.make_node('MatMul', ['q_t', 'k_tt'], ['scores_raw']),
        helper.make_node('Mul', ['scores_raw', 'scale'], ['scores_scaled']),
        # The key mask: 0 where attention_mask is 1, −10000 where it is 0, for every query.
        helper.make_node('Cast', ['attention_mask'], ['mask_f'], to=TensorProto.FLOAT),
        helper.make_node('Sub', ['one_f', 'mask_f'], ['masked']),
        helper.make_node('Mul', ['masked', 'filter'], ['mask_bias']),
        helper.make_node('Unsqueeze', ['mask_bias', 'mask_axes'], ['mask_bias_4d']),
        helper.make_node('Add', ['scores_scaled', 'mask_bias_4d'], ['scores_masked']),
        helper.make_node('Softmax', ['scores_masked'], ['weights'], axis=-1),
        helper.make_node('MatMul', ['weights', 'v_t'], ['context']),
        helper.make_node('Transpose', ['context'], ['context_t'], perm=[0, 2, 1, 3]),
        helper.make_node('Reshape', ['context_t', 'hidden_shape'], ['attended']),
    ]
    extra = {
        'one': np.array(1, np.int64), 'widths': np.array([HIDDEN] * 3, np.int64),
        'heads_shape': np.array([0, 0, HEADS, head], np.int64), 'hidden_shape': np.array([0, 0, HIDDEN], np.int64),
        'scale': np.array(1 / np.sqrt(head), np.float32), 'one_f': np.array(1, np.float32),
        'filter': np.array(-10000, np.float32), 'mask_axes': np.array([1, 2], np.int64),
    }
    return model(encoder_tail(nodes, 'attended'), extra, [('', OPSET)])


if __name__ == '__main__':
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'contrib-transformer')
    os.makedirs(out, exist_ok=True)
    for name, m in (('contrib', contrib_model()), ('standard', standard_model())):
        if name == 'standard':
            onnx.checker.check_model(m)
        onnx.save(m, os.path.join(out, f'{name}.onnx'))
        print(name, os.path.getsize(os.path.join(out, f'{name}.onnx')), 'bytes')
