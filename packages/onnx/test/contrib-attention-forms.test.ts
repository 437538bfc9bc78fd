import { describe, expect, it } from 'vitest';
import { buildGradientModel, decodeModel, encodeModel, InvalidModelError, type AttributeValue } from '../src/index.js';
import { withEmbeddingLookups } from '../src/model/composite/contrib/embedding-lookups.js';
import { supportRefusal } from './helpers/support-refusal.js';
import { makeModel, type ConstantSpec } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';

const CONTRIB = [{ domain: 'com.microsoft', version: 1 }];
const int32 = (dims: number[], values: number[]): ConstantSpec => ({ dims, values, type: 'int32' });

function contribModel(
  op: string,
  inputs: Record<string, number[]>,
  nodeInputs: string[],
  attributes: Record<string, AttributeValue> = {},
  extra: { constants?: Record<string, ConstantSpec>; outputs?: string[]; opset?: number } = {},
): Uint8Array {
  const outputs = extra.outputs ?? ['y'];
  return makeModel({
    opset: extra.opset ?? 17,
    inputs,
    constants: extra.constants,
    nodes: [{ op, inputs: nodeInputs, outputs, attributes, domain: 'com.microsoft' }],
    outputs: [outputs[0] as string],
    extraOpsets: CONTRIB,
  });
}

const packed = { x: [2, 3, 4], w: [4, 12], bias: [12] };
const heads = { num_heads: { int: 2 } };
const mha = { q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 4] };

type Check = (bytes: Uint8Array) => unknown;
// Forms seen only once shapes and constants are known are refused when the gradient graph is built.
const lowered: Check = (bytes) => buildGradientModel(bytes);

describe('contrib attention forms the lowering does not cover are refused with a typed error naming the input or attribute', () => {
  it.each([
    ['Attention without a bias', contribModel('Attention', { x: [2, 3, 4], w: [4, 12] }, ['x', 'w'], heads), /bias \(input 2\) absent/],
    ['Attention with past', contribModel('Attention', { ...packed, past: [2, 2, 2, 1, 2] }, ['x', 'w', 'bias', '', 'past'], heads), /past \(input 4\)/],
    ['Attention do_rotary', contribModel('Attention', packed, ['x', 'w', 'bias'], { ...heads, do_rotary: { int: 1 } }), /do_rotary 1/],
    [
      'Attention past_present_share_buffer',
      contribModel('Attention', packed, ['x', 'w', 'bias'], { ...heads, past_present_share_buffer: { int: 1 } }),
      /past_present_share_buffer 1/,
    ],
    [
      'Attention with a (B, 1, M, M) mask, which onnxruntime CPU refuses',
      contribModel('Attention', packed, ['x', 'w', 'bias', 'mask'], heads, { constants: { mask: int32([2, 1, 4, 4], new Array(32).fill(1)) } }),
      /mask "mask" of shape \[2, 1, 4, 4\] is none of the forms lowered/,
      lowered,
    ],
    ['MultiHeadAttention with packed QKV', contribModel('MultiHeadAttention', { q: [2, 3, 2, 3, 2] }, ['q'], heads), /key and value must be given/],
    [
      'MultiHeadAttention with a key in BNSH',
      contribModel('MultiHeadAttention', { q: [2, 3, 4], k: [2, 2, 5, 2], v: [2, 2, 5, 2] }, ['q', 'k', 'v'], heads),
      /"k" has shape \[2, 2, 5, 2\]; only 3-D/,
      lowered,
    ],
    [
      'MultiHeadAttention with past_key',
      contribModel('MultiHeadAttention', { ...mha, pk: [2, 2, 1, 2] }, ['q', 'k', 'v', '', '', '', 'pk', 'pk'], heads),
      /past_key \(input 6\)/,
    ],
    [
      'MultiHeadAttention unidirectional cross attention',
      contribModel('MultiHeadAttention', mha, ['q', 'k', 'v'], { ...heads, unidirectional: { int: 1 } }),
      /unidirectional 1 with 5 keys for 3 queries/,
      lowered,
    ],
    [
      'MultiHeadAttention with left padding (2·B)',
      contribModel('MultiHeadAttention', mha, ['q', 'k', 'v', '', 'mask'], heads, { constants: { mask: int32([4], [5, 4, 0, 1]) } }),
      /mask "mask" of shape \[4\] is none of the forms lowered: lengths, raw 2-D, raw 3-D/,
      lowered,
    ],
    [
      'GroupQueryAttention with past_key',
      contribModel(
        'GroupQueryAttention',
        { q: [1, 2, 16], k: [1, 2, 8], v: [1, 2, 8], pk: [1, 1, 1, 8] },
        ['q', 'k', 'v', 'pk', 'pk', 'lengths', 'total'],
        { num_heads: { int: 2 }, kv_num_heads: { int: 1 } },
        { constants: { lengths: int32([1], [2]), total: int32([], [3]) }, outputs: ['y', 'pk_out', 'pv_out'] },
      ),
      /past_key \(input 3\)/,
    ],
    [
      'GroupQueryAttention do_rotary without caches',
      contribModel(
        'GroupQueryAttention',
        { q: [1, 2, 16], k: [1, 2, 8], v: [1, 2, 8] },
        ['q', 'k', 'v', '', '', 'lengths', 'total'],
        { num_heads: { int: 2 }, kv_num_heads: { int: 1 }, do_rotary: { int: 1 } },
        { constants: { lengths: int32([1], [1]), total: int32([], [2]) }, outputs: ['y', 'pk_out', 'pv_out'] },
      ),
      /do_rotary 1 goes with cos_cache and sin_cache/,
    ],
    [
      'GroupQueryAttention local_window_size',
      contribModel(
        'GroupQueryAttention',
        { q: [1, 2, 16], k: [1, 2, 8], v: [1, 2, 8] },
        ['q', 'k', 'v', '', '', 'lengths', 'total'],
        { num_heads: { int: 2 }, kv_num_heads: { int: 1 }, local_window_size: { int: 1 } },
        { constants: { lengths: int32([1], [1]), total: int32([], [2]) }, outputs: ['y', 'pk_out', 'pv_out'] },
      ),
      /local_window_size 1 \(sliding-window attention\)/,
    ],
    [
      'RotaryEmbedding is_packed_batching',
      contribModel(
        'RotaryEmbedding',
        { x: [1, 2, 3, 4], c: [4, 2] },
        ['x', 'p', 'c', 'c'],
        { is_packed_batching: { int: 1 } },
        { constants: { p: { dims: [1], values: [0], type: 'int64' } } },
      ),
      /is_packed_batching 1/,
    ],
    [
      'RotaryEmbedding scale 2',
      contribModel(
        'RotaryEmbedding',
        { x: [1, 2, 3, 4], c: [4, 2] },
        ['x', 'p', 'c', 'c'],
        { scale: { float: 2 } },
        { constants: { p: { dims: [1], values: [0], type: 'int64' } } },
      ),
      /scale 2/,
    ],
    [
      'EmbedLayerNormalization with segment_ids but no segment_embedding',
      contribModel(
        'EmbedLayerNormalization',
        { w: [5, 4], p: [4, 4], g: [4], b: [4] },
        ['ids', 'ids', 'w', 'p', '', 'g', 'b'],
        {},
        {
          constants: { ids: int32([1, 3], [1, 2, 3]) },
          outputs: ['y', 'mask_index'],
        },
      ),
      /segment_ids and segment_embedding must be given together/,
    ],
  ] as [string, Uint8Array, RegExp, Check?][])('%s', (_name, bytes, reason, check) => {
    const error = supportRefusal(bytes, check);
    expect(error.nodes[0]?.domain).toBe('com.microsoft');
    expect(error.nodes[0]?.reason).toMatch(reason);
  });
});

describe('an EmbedLayerNormalization with more positions than its table', () => {
  it('is an InvalidModelError naming the node, the length and the table', () => {
    const bytes = contribModel(
      'EmbedLayerNormalization',
      { w: [5, 4], p: [4, 4], g: [4], b: [4] },
      ['ids', '', 'w', 'p', '', 'g', 'b'],
      {},
      {
        constants: { ids: int32([1, 6], [1, 2, 3, 4, 0, 1]) },
        outputs: ['y', 'mask_index'],
      },
    );
    expect(() => buildGradientModel(bytes)).toThrow(InvalidModelError);
    expect(() => buildGradientModel(bytes)).toThrow(
      /EmbedLayerNormalization node "EmbedLayerNormalization_0": 6 positions, but position_embedding "p" has 4 rows/,
    );
  });
});

describe('EmbedLayerNormalization rewritten into standard ops for token-layer attribution gives onnxruntime kernel outputs', () => {
  const tables = { w: [6, 4], p: [5, 4], s: [2, 4], g: [4], b: [4] };
  const ids = int32([2, 4], [1, 5, 3, 0, 2, 2, 4, 1]);
  const segments = int32([2, 4], [0, 1, 1, 0, 1, 0, 0, 1]);
  // mask_index counts the ones of each row: onnxruntime counts neither 2 nor −1.
  const mask = int32([2, 4], [1, 2, 1, -1, 1, 1, 0, 1]);
  it.each([
    ['segments and a mask, opset 13', 13, ['ids', 'segments', 'w', 'p', 's', 'g', 'b', 'mask'], { ids, segments, mask }],
    ['no mask, position_ids [1, S], opset 18', 18, ['ids', '', 'w', 'p', '', 'g', 'b', '', 'positions'], { ids, positions: int32([1, 4], [3, 0, 4, 1]) }],
    ['positions 0…S−1, a mask, opset 17', 17, ['ids', '', 'w', 'p', '', 'g', 'b', 'mask'], { ids, mask }],
    ['positions 0…S−1, segments, a mask, opset 11', 11, ['ids', 'segments', 'w', 'p', 's', 'g', 'b', 'mask'], { ids, segments, mask }],
  ] as const)('%s', async (_name, opset, nodeInputs, constants) => {
    const feeds: Record<string, number[]> = tables;
    const bytes = makeModel({
      opset,
      inputs: feeds,
      constants,
      nodes: [{ op: 'EmbedLayerNormalization', inputs: nodeInputs, outputs: ['y', 'mask_index', 'sum'], attributes: {}, domain: 'com.microsoft' }],
      outputs: ['y'],
      extraOpsets: CONTRIB,
    });
    const model = decodeModel(bytes);
    const graph = model.graph;
    if (!graph?.output) throw new Error('the model has no graph');
    graph.output.push(...['mask_index', 'sum'].map((name) => ({ name, type: { tensorType: { elemType: name === 'mask_index' ? 6 : 1 } } })));
    const original = encodeModel(model);
    const rewritten = encodeModel(withEmbeddingLookups(decodeModel(original)));
    expect((decodeModel(rewritten).graph?.node ?? []).some((n) => n.opType === 'EmbedLayerNormalization')).toBe(false);
    const ort = runtimes.node;
    const values = Object.fromEntries(
      Object.entries(tables).map(([name, dims], k) => [
        name,
        new ort.Tensor(
          'float32',
          Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.7 + k)),
          dims,
        ),
      ]),
    );
    const run = async (b: Uint8Array): Promise<Record<string, { data: unknown }>> =>
      (await ort.InferenceSession.create(b, { logSeverityLevel: 4 })).run(values);
    const [expected, actual] = [await run(original), await run(rewritten)];
    expect(Array.from(actual.mask_index?.data as Int32Array)).toEqual(Array.from(expected.mask_index?.data as Int32Array));
    for (const name of ['y', 'sum']) {
      const [e, a] = [expected[name]?.data as Float32Array, actual[name]?.data as Float32Array];
      expect(a.length).toBe(e.length);
      // Measured: at most 2.4e-7 on y (LayerNorm outputs near 1), 0 on the sum.
      e.forEach((v, i) => expect(Math.abs((a[i] as number) - v)).toBeLessThan(1e-6));
    }
  });
});
