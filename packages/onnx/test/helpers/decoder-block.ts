import { makeModel, type ConstantSpec, type ModelSpec, type NodeSpec } from './model.js';
import { rng, uniform } from './random.js';

/** Sizes of the LLaMA-style decoder block: 4 query heads share 2 key/value heads. */
export const DECODER = { sequence: 5, hidden: 16, queryHeads: 4, kvHeads: 2, headSize: 4, mlp: 32, vocabulary: 10, positions: 8 } as const;

/** cos and sin of position·θᵢ, θᵢ = 10000^(−2i/headSize): the RoPE caches [positions, headSize/2]. */
function ropeCaches(): { cos: ConstantSpec; sin: ConstantSpec } {
  const half = DECODER.headSize / 2;
  const angles = Array.from({ length: DECODER.positions * half }, (_, k) => Math.floor(k / half) * 10000 ** ((-2 * (k % half)) / DECODER.headSize));
  const dims = [DECODER.positions, half];
  return { cos: { dims, values: angles.map(Math.cos) }, sin: { dims, values: angles.map(Math.sin) } };
}

/**
 * One pre-norm decoder block at opset 23 over embeddings x [n, S, hidden], giving the next-token
 * logits of the last position [n, vocabulary]: RMSNormalization, Q/K/V projections, RotaryEmbedding
 * at position_ids 0…S−1 (expanded to the batch), causal grouped-query Attention, the output
 * projection and a residual; RMSNormalization, a SiLU-gated MLP and a residual; a final
 * RMSNormalization and the logits.
 */
export function decoderBlockSpec(): ModelSpec {
  const { sequence, hidden, queryHeads, kvHeads, headSize, mlp, vocabulary } = DECODER;
  const random = rng(23);
  const weight = (rows: number, columns: number): ConstantSpec => ({
    dims: [rows, columns],
    values: Array.from(uniform(random, rows * columns, -1 / Math.sqrt(rows), 1 / Math.sqrt(rows))),
  });
  const gain = (): ConstantSpec => ({ dims: [hidden], values: Array.from(uniform(random, hidden, 0.8, 1.2)) });
  const i64 = (values: number[]): ConstantSpec => ({ dims: [values.length], values, type: 'int64' });
  const n = (op: string, inputs: string[], output: string, attributes: NodeSpec['attributes'] = {}): NodeSpec => ({
    op,
    inputs,
    outputs: [output],
    attributes,
  });
  const kvWidth = kvHeads * headSize;
  return {
    opset: 23,
    inputs: { x: ['n', sequence, hidden] },
    constants: {
      g1: gain(),
      g2: gain(),
      g3: gain(),
      wq: weight(hidden, queryHeads * headSize),
      wk: weight(hidden, kvWidth),
      wv: weight(hidden, kvWidth),
      wo: weight(queryHeads * headSize, hidden),
      wgate: weight(hidden, mlp),
      wup: weight(hidden, mlp),
      wdown: weight(mlp, hidden),
      wlm: weight(hidden, vocabulary),
      ...ropeCaches(),
      positions: { dims: [1, sequence], values: Array.from({ length: sequence }, (_, i) => i), type: 'int64' },
      zero: i64([0]),
      two: i64([2]),
      last: { dims: [], values: [sequence - 1], type: 'int64' },
    },
    nodes: [
      n('Shape', ['x'], 'x_shape'),
      n('Slice', ['x_shape', 'zero', 'two'], 'batch_by_sequence'),
      n('Expand', ['positions', 'batch_by_sequence'], 'position_ids'),
      n('RMSNormalization', ['x', 'g1'], 'h1'),
      n('MatMul', ['h1', 'wq'], 'q'),
      n('MatMul', ['h1', 'wk'], 'k'),
      n('MatMul', ['h1', 'wv'], 'v'),
      n('RotaryEmbedding', ['q', 'cos', 'sin', 'position_ids'], 'q_rotated', { num_heads: { int: queryHeads } }),
      n('RotaryEmbedding', ['k', 'cos', 'sin', 'position_ids'], 'k_rotated', { num_heads: { int: kvHeads } }),
      n('Attention', ['q_rotated', 'k_rotated', 'v'], 'attended', { is_causal: { int: 1 }, q_num_heads: { int: queryHeads }, kv_num_heads: { int: kvHeads } }),
      n('MatMul', ['attended', 'wo'], 'projected'),
      n('Add', ['x', 'projected'], 'r1'),
      n('RMSNormalization', ['r1', 'g2'], 'h2'),
      n('MatMul', ['h2', 'wgate'], 'gate'),
      n('Sigmoid', ['gate'], 'gate_sigmoid'),
      n('Mul', ['gate', 'gate_sigmoid'], 'gate_silu'),
      n('MatMul', ['h2', 'wup'], 'up'),
      n('Mul', ['gate_silu', 'up'], 'gated'),
      n('MatMul', ['gated', 'wdown'], 'down'),
      n('Add', ['r1', 'down'], 'r2'),
      n('RMSNormalization', ['r2', 'g3'], 'h3'),
      n('Gather', ['h3', 'last'], 'h_last', { axis: { int: 1 } }),
      n('MatMul', ['h_last', 'wlm'], 'logits'),
    ],
    outputs: ['logits'],
  };
}

export const decoderBlockModel = (): Uint8Array => makeModel(decoderBlockSpec());
