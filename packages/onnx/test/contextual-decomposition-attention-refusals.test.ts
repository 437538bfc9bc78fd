import { describe, expect, it } from 'vitest';
import { decompositionError } from './helpers/decomposition-error.js';
import { makeModel, type ConstantSpec } from './helpers/model.js';
import { rng, uniform } from './helpers/random.js';

const random = rng(5);
const weight = (rows: number, columns: number): ConstantSpec => ({ dims: [rows, columns], values: Array.from(uniform(random, rows * columns, -1, 1)) });

describe('contextual decomposition refuses what the Attention and RotaryEmbedding rules cannot hold fixed', () => {
  it('an attn_mask computed from the decomposed input: the Attention node, and why', () => {
    const bytes = makeModel({
      opset: 23,
      inputs: { x: ['n', 4, 8] },
      constants: { wq: weight(8, 8), wm: weight(8, 4), axis1: { dims: [1], values: [1], type: 'int64' } },
      nodes: [
        { op: 'MatMul', inputs: ['x', 'wq'], outputs: ['q'] },
        { op: 'MatMul', inputs: ['x', 'wm'], outputs: ['scores_bias'] },
        { op: 'Unsqueeze', inputs: ['scores_bias', 'axis1'], outputs: ['mask'] },
        { op: 'Attention', inputs: ['q', 'q', 'q', 'mask'], outputs: ['y'], attributes: { q_num_heads: { int: 2 }, kv_num_heads: { int: 2 } } },
      ],
      outputs: ['y'],
    });
    const error = decompositionError(bytes);
    expect(error.nodes).toHaveLength(1);
    expect(error.nodes[0]?.nodeName).toBe('Attention_3');
    expect(error.nodes[0]?.reason).toContain('its attn_mask "mask" depends on the model input');
    expect(error.message).toContain('Attention_3');
  });

  it('a RotaryEmbedding cos cache computed from the decomposed input: the node, and why', () => {
    const bytes = makeModel({
      opset: 23,
      inputs: { x: ['n', 4, 8] },
      constants: { wc: weight(8, 2), sin: { dims: [1, 4, 2], values: Array.from(uniform(random, 8, -1, 1)) } },
      nodes: [
        { op: 'MatMul', inputs: ['x', 'wc'], outputs: ['cos'] },
        { op: 'RotaryEmbedding', inputs: ['x', 'cos', 'sin'], outputs: ['y'], attributes: { num_heads: { int: 2 } } },
      ],
      outputs: ['y'],
    });
    const error = decompositionError(bytes);
    expect(error.nodes).toHaveLength(1);
    expect(error.nodes[0]?.nodeName).toBe('RotaryEmbedding_1');
    expect(error.nodes[0]?.reason).toContain('its cos cache "cos" depends on the model input');
  });

  it('nonpad_kv_seqlen and the qk_matmul_output output: refused with their names', () => {
    const attention = (inputs: string[], outputs: string[]): Uint8Array =>
      makeModel({
        opset: 24,
        inputs: { x: ['n', 4, 8] },
        constants: { lengths: { dims: [1], values: [3], type: 'int64' } },
        nodes: [{ op: 'Attention', inputs, outputs, attributes: { q_num_heads: { int: 2 }, kv_num_heads: { int: 2 } } }],
        outputs: [outputs[0] as string],
      });
    expect(decompositionError(attention(['x', 'x', 'x', '', '', '', 'lengths'], ['y'])).nodes[0]?.reason).toContain('nonpad_kv_seqlen');
    expect(decompositionError(attention(['x', 'x', 'x'], ['y', '', '', 'qk'])).nodes[0]?.reason).toContain('qk_matmul_output');
  });
});
