import { describe, expect, it } from 'vitest';
import { buildGradientModel, DataType, InvalidModelError, UnknownShapeError, UnsupportedOpError, type AttributeValue } from '../src/index.js';
import { supportRefusal } from './helpers/support-refusal.js';
import { makeModel, type NodeSpec } from './helpers/model.js';
import { feedsOf, gradientOf, runModel, runtimes } from './helpers/ort.js';
import { maxAbs, rng, uniform } from './helpers/random.js';
import { inputsOf, opCases } from './op-cases/index.js';

const cases = opCases.map((c, index) => [c.name, c, index] as const).filter(([name]) => /^(Attention|RotaryEmbedding) /.test(name));

// The lowered graph orders its float32 operations unlike onnxruntime's kernel (√scale on Q and K,
// a separate softmax): measured ≤ 9e-8 relative to max(1, max|y|) over these cases.
const FORWARD_TOLERANCE = 5e-7;

describe('Attention and RotaryEmbedding: the lowered forward pass gives onnxruntime-node kernel outputs', () => {
  it.each(cases)('%s', async (_name, c, index) => {
    const bytes = makeModel(c.model);
    const feeds = inputsOf(c, 1000 + index);
    const reference = (await runModel(runtimes.node, bytes, feedsOf(runtimes.node, feeds))).y?.data as Float32Array;
    const lowered = await gradientOf(runtimes.node, bytes, feeds, (n) => uniform(rng(7), n, -1, 1), { inputs: c.check });
    expect(lowered.output.length).toBe(reference.length);
    const scale = Math.max(1, maxAbs(reference));
    reference.forEach((value, i) => expect(Math.abs((lowered.output[i] as number) - value)).toBeLessThanOrEqual(FORWARD_TOLERANCE * scale));
    for (const gradient of Object.values(lowered.gradients)) expect(gradient.every(Number.isFinite)).toBe(true);
  });

  it('gives a zero row where a boolean mask disallows every key, as onnxruntime does', async () => {
    const c = cases.find(([name]) => name.includes('fully masked row'))?.[1];
    if (!c) throw new Error('the fully masked row case is missing');
    const feeds = inputsOf(c, 0);
    const { output } = await gradientOf(runtimes.node, makeModel(c.model), feeds, (n) => new Float32Array(n).fill(1));
    // y [2, 2, 3, 3]: batch 0, query row 1 of each head.
    for (const head of [0, 1]) expect(Array.from(output.subarray(head * 9 + 3, head * 9 + 6))).toEqual([0, 0, 0]);
    expect(maxAbs(output.subarray(0, 3))).toBeGreaterThan(0);
  });
});

const qkv = { q: [1, 2, 3, 4], k: [1, 2, 3, 4], v: [1, 2, 3, 4] };

function attentionModel(
  opset: number,
  nodeInputs: readonly string[],
  attributes: Record<string, AttributeValue>,
  outputs: readonly string[] = ['y'],
  extraInputs: Record<string, number[]> = {},
): Uint8Array {
  return makeModel({
    opset,
    inputs: { ...qkv, ...extraInputs },
    constants: { lengths: { dims: [1], values: [3], type: 'int64' } },
    nodes: [{ op: 'Attention', inputs: nodeInputs, outputs, attributes }],
    outputs: [outputs[outputs.length - 1] as string],
  });
}

const refusal = (bytes: Uint8Array): UnsupportedOpError => supportRefusal(bytes);

describe('Attention forms the lowering does not cover are refused with a typed error naming the node and form', () => {
  it.each([
    ['qk_matmul_output_mode 4', attentionModel(23, ['q', 'k', 'v'], { qk_matmul_output_mode: { int: 4 } }, ['y', '', '', 'qk']), /qk_matmul_output_mode 4/],
    ['past_key without past_value', attentionModel(23, ['q', 'k', 'v', '', 'past'], {}, ['y', 'pk', 'pv'], { past: [1, 2, 2, 4] }), /past_key and past_value/],
    [
      'nonpad_kv_seqlen with a past',
      attentionModel(24, ['q', 'k', 'v', '', 'past', 'past', 'lengths'], {}, ['y', 'pk', 'pv'], { past: [1, 2, 2, 4] }),
      /nonpad_kv_seqlen with past_key/,
    ],
    ['a sliding window (opset 25)', attentionModel(25, ['q', 'k', 'v'], { left_window_size: { int: 2 } }), /left_window_size 2/],
  ])('%s', (_name, bytes, reason) => {
    const error = refusal(bytes);
    expect(error.nodes[0]).toMatchObject({ opType: 'Attention', nodeName: 'Attention_0' });
    expect(error.nodes[0]?.reason).toMatch(reason);
    expect(error.message).toContain('Attention_0');
  });

  const factsWith = (mask: readonly number[], maskType: number): Parameters<typeof buildGradientModel>[1] => ({
    facts: {
      shapes: new Map([...Object.entries(qkv), ['mask', mask]]),
      dataTypes: new Map([['mask', maskType]]),
      values: new Map(),
    },
    inputs: ['q'],
  });
  // The mask's declared type is overridden by the facts, as a probe run's would.
  const masked = (): Uint8Array => attentionModel(23, ['q', 'k', 'v', 'mask'], {}, ['y'], { mask: [3, 3] });

  it('an integer attn_mask: UnsupportedOpError naming the mask and its type', () => {
    const build = (): unknown => buildGradientModel(masked(), factsWith([3, 3], DataType.INT64));
    expect(build).toThrow(UnsupportedOpError);
    expect(build).toThrow(/Attention_0.*attn_mask "mask" has element type 7/s);
  });

  it('an attn_mask shorter than the keys (which onnxruntime rejects): InvalidModelError naming the mask and shapes', () => {
    const build = (): unknown => buildGradientModel(masked(), factsWith([3, 2], DataType.BOOL));
    expect(build).toThrow(InvalidModelError);
    expect(build).toThrow(/Attention node "Attention_0": attn_mask "mask" of shape \[3, 2\] does not broadcast to \[1, heads, 3, 3\]/);
  });
});

describe('Attention inputs that do not fit are refused with a typed error naming the node and tensor', () => {
  const build = (inputs: Record<string, number[]>, nodes: NodeSpec[], dataTypes = new Map<string, number>()): (() => unknown) => {
    const bytes = makeModel({ opset: 23, inputs, nodes, outputs: ['y'] });
    const shapes = new Map<string, readonly number[]>(Object.entries(inputs));
    if (inputs.m) shapes.set('mask', inputs.m);
    return () => buildGradientModel(bytes, { facts: { shapes, dataTypes, values: new Map() }, inputs: ['q'] });
  };
  const attentionNode = (inputs: string[]): NodeSpec => ({ op: 'Attention', inputs, outputs: ['y'] });

  it('a mask whose element type is not known (bool and float masks mean different things)', () => {
    const run = build({ ...qkv, m: [3, 3] }, [{ op: 'Identity', inputs: ['m'], outputs: ['mask'] }, attentionNode(['q', 'k', 'v', 'mask'])]);
    expect(run).toThrow(UnknownShapeError);
    expect(run).toThrow(/the element type of tensor "mask" is not known/);
  });

  it('K and V with different head counts', () => {
    expect(build({ ...qkv, v: [1, 1, 3, 4] }, [attentionNode(['q', 'k', 'v'])])).toThrow(/Attention node "Attention_0": K "k" has 2 heads but V "v" has 1/);
  });

  it('Q and K with different head sizes', () => {
    expect(build({ ...qkv, k: [1, 2, 3, 2] }, [attentionNode(['q', 'k', 'v'])])).toThrow(/the head size of K "k" \(2\) is not the head size of Q "q" \(4\)/);
  });

  it('query heads that are not a multiple of the key/value heads', () => {
    expect(build({ q: [1, 3, 3, 4], k: [1, 2, 3, 4], v: [1, 2, 3, 4] }, [attentionNode(['q', 'k', 'v'])])).toThrow(InvalidModelError);
  });
});

describe('RotaryEmbedding inputs that do not fit are refused with a typed error naming the node and tensor', () => {
  const rotary = (x: number[], cache: number[], attributes: Record<string, AttributeValue>): (() => unknown) => {
    const bytes = makeModel({
      opset: 23,
      inputs: { x, cos: cache, sin: cache },
      nodes: [{ op: 'RotaryEmbedding', inputs: ['x', 'cos', 'sin'], outputs: ['y'], attributes }],
      outputs: ['y'],
    });
    const shapes = new Map<string, readonly number[]>([
      ['x', x],
      ['cos', cache],
      ['sin', cache],
    ]);
    return () => buildGradientModel(bytes, { facts: { shapes, dataTypes: new Map(), values: new Map() } });
  };

  it('a 3-D input without num_heads', () => {
    expect(rotary([1, 3, 8], [1, 3, 4], {})).toThrow(/RotaryEmbedding node "RotaryEmbedding_0": 3-D input "x" of hidden size 8 needs num_heads/);
  });

  it('an odd rotary_embedding_dim', () => {
    expect(rotary([1, 2, 3, 4], [1, 3, 1], { rotary_embedding_dim: { int: 3 } })).toThrow(/rotary_embedding_dim 3 must be even/);
  });

  it('caches whose rows do not have rotary_embedding_dim / 2 values', () => {
    expect(rotary([1, 2, 3, 4], [1, 3, 3], {})).toThrow(InvalidModelError);
    expect(rotary([1, 2, 3, 4], [1, 3, 3], {})).toThrow(/cache "cos" rows have 3 values; rotary_embedding_dim \/ 2 = 2/);
  });
});
