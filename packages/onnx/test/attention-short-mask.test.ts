import { describe, expect, it } from 'vitest';
import { buildGradientModel, DataType, encodeModel, type TensorFacts } from '../src/index.js';
import { makeModel, type ModelSpec } from './helpers/model.js';
import { differences } from './helpers/finite-differences.js';
import { feedsOf, runModel, runtimes, type Feed } from './helpers/ort.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

// From opset 24 an attn_mask may be shorter than the keys (an external cache: the mask covers the
// first nonpad_kv_seqlen keys at least); the spec's function body pads it with −∞. onnxruntime
// 1.30 rejects such a mask, so the truth is its run of the same model with the mask padded by hand
// (the padded keys lie past every nonpad_kv_seqlen, as the spec requires of a short mask).
const [BATCH, HEADS, QUERIES, KEYS, MASKED] = [2, 2, 3, 5, 4];
const lengths = { lengths: { dims: [BATCH], values: [4, 3], type: 'int64' as const } };
const qkv = { q: [BATCH, HEADS, QUERIES, 4], k: [BATCH, HEADS, KEYS, 4], v: [BATCH, HEADS, KEYS, 3] };
const random = rng(24);
const feed = (dims: number[]): Feed => ({
  data: uniform(
    random,
    dims.reduce((a, b) => a * b, 1),
    -1,
    1,
  ),
  dims,
});
const feeds = { q: feed(qkv.q), k: feed(qkv.k), v: feed(qkv.v) };
// Row-major [QUERIES, MASKED] 0/1 values with at least one 1 per row; as floats, the additive mask.
const maskValues = [1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1];

/** The mask [QUERIES, width] as a float input or, with `bool`, a Cast of float constants. */
function model(width: number, values: readonly number[], bool: boolean): ModelSpec {
  const nodeInputs = ['q', 'k', 'v', 'mask', '', '', 'lengths'];
  const attention = { op: 'Attention', inputs: nodeInputs, outputs: ['y'], attributes: { is_causal: { int: 1 } } };
  return bool
    ? {
        opset: 24,
        inputs: qkv,
        constants: { ...lengths, mask_f: { dims: [QUERIES, width], values: [...values] } },
        nodes: [{ op: 'Cast', inputs: ['mask_f'], outputs: ['mask'], attributes: { to: { int: DataType.BOOL } } }, attention],
        outputs: ['y'],
      }
    : { opset: 24, inputs: qkv, constants: { ...lengths, mask: { dims: [QUERIES, width], values: [...values] } }, nodes: [attention], outputs: ['y'] };
}

/** Each row of the mask followed by `fill` up to KEYS. */
const padded = (fill: number): number[] =>
  Array.from({ length: QUERIES * KEYS }, (_, i) => (i % KEYS < MASKED ? (maskValues[Math.floor(i / KEYS) * MASKED + (i % KEYS)] as number) : fill));

describe('Attention with an attn_mask shorter than the keys (opset 24)', () => {
  it.each([
    ['boolean', true, 0],
    ['float', false, -Infinity],
  ] as const)('a %s mask: forward and gradients are those of the mask padded with masked keys', async (_kind, bool, fill) => {
    const short = model(MASKED, maskValues, bool);
    const full = makeModel(model(KEYS, padded(fill), bool));
    // onnxruntime cannot probe the short-mask model: its facts are given.
    const facts: TensorFacts = {
      shapes: new Map<string, readonly number[]>([...Object.entries(qkv), ['mask', [QUERIES, MASKED]], ['mask_f', [QUERIES, MASKED]], ['lengths', [BATCH]]]),
      dataTypes: new Map([['mask', bool ? DataType.BOOL : DataType.FLOAT]]),
      values: new Map(),
    };
    const built = buildGradientModel(makeModel(short), { facts });
    const seed = uniform(rng(5), BATCH * HEADS * QUERIES * 3, -1, 1);
    const tensors = feedsOf(runtimes.node, feeds);
    const results = await runModel(runtimes.node, encodeModel(built.model), {
      ...tensors,
      [built.seed]: new runtimes.node.Tensor('float32', seed, [BATCH, HEADS, QUERIES, 3]),
    });
    const reference = (await runModel(runtimes.node, full, tensors)).y?.data as Float32Array;
    const output = results[built.output]?.data as Float32Array;
    // Measured ≤ 6e-8 (float32 operation order), as in the op cases' forward check.
    reference.forEach((value, i) => expect(Math.abs((output[i] as number) - value)).toBeLessThan(5e-7));
    for (const input of ['q', 'k', 'v'] as const) {
      const gradient = results[built.gradients.get(input) as string]?.data as Float32Array;
      const diffs = await differences(runtimes.node, full, feeds, input, seed, [...Array(gradient.length).keys()], 1e-2);
      const scale = Math.max(1, maxAbs(gradient));
      // The difference quotient's own error: measured ≤ 7.1e-6.
      for (const d of diffs) expect(Math.abs((gradient[d.index] as number) - d.central)).toBeLessThan(5e-5 * scale);
    }
  });
});
