import { FLOAT32_LOWEST, i64, node } from './decoder-block-written-out.js';
import { makeModel, type ConstantSpec, type NodeSpec } from './model.js';
import { rng, uniform } from './random.js';

/** One attention layer over x [n, S, hidden]: 2 query heads share 1 key/value head of size 4. */
export const FORM = { sequence: 4, hidden: 8, queryHeads: 2, kvHeads: 1, headSize: 4, past: 3 } as const;

export interface AttentionForm {
  readonly mask?: 'bool' | 'float' | 'bool-empty-row';
  readonly causal?: boolean;
  readonly softcap?: number;
  /** A past cache: a constant (expanded over the batch) or keys and values computed from x. */
  readonly past?: 'constant' | 'pair';
  /** Q, K and V passed as 4-D [n, heads, S, size] instead of 3-D with q/kv_num_heads. */
  readonly fourD?: boolean;
}

const heads = (input: string, shape: string, output: string): NodeSpec[] => [
  node('Reshape', [input, shape], `${output}_split`),
  node('Transpose', [`${output}_split`], output, { perm: { ints: [0, 2, 1, 3] } }),
];

/** Boolean masks [S, T] (T = past + S): keys allowed; the third kind leaves query row 1 no key. */
function maskValues(kind: 'bool' | 'bool-empty-row', total: number): number[] {
  const { sequence } = FORM;
  return Array.from({ length: sequence * total }, (_, k) => {
    const [row, column] = [Math.floor(k / total), k % total];
    if (kind === 'bool-empty-row' && row === 1) return 0;
    return (row + 2 * column) % 3 === 2 ? 0 : 1;
  });
}

function constants(form: AttentionForm, total: number): Record<string, ConstantSpec> {
  const { sequence, hidden, queryHeads, kvHeads, headSize, past } = FORM;
  const random = rng(41);
  const weight = (columns: number): ConstantSpec => ({ dims: [hidden, columns], values: Array.from(uniform(random, hidden * columns, -0.8, 0.8)) });
  const result: Record<string, ConstantSpec> = {
    wq: weight(queryHeads * headSize),
    wk: weight(kvHeads * headSize),
    wv: weight(kvHeads * headSize),
    wpk: weight(kvHeads * headSize),
    wpv: weight(kvHeads * headSize),
    q_shape: i64([0, 0, queryHeads, headSize]),
    kv_shape: i64([0, 0, kvHeads, headSize]),
    packed: i64([0, 0, queryHeads * headSize]),
    past_tail: i64([kvHeads, past, headSize]),
    axis2: i64([2]),
    groups: i64([1, 1, queryHeads / kvHeads, 1, 1]),
    repeated_shape: i64([0, queryHeads, total, headSize]),
    scale: { dims: [], values: [1 / Math.sqrt(headSize)] },
    past_key_value: { dims: [1, kvHeads, past, headSize], values: Array.from(uniform(random, kvHeads * past * headSize, -1, 1)) },
    past_value_value: { dims: [1, kvHeads, past, headSize], values: Array.from(uniform(random, kvHeads * past * headSize, -1, 1)) },
    causal: {
      dims: [sequence, total],
      values: Array.from({ length: sequence * total }, (_, k) => (k % total > Math.floor(k / total) + total - sequence ? FLOAT32_LOWEST : 0)),
    },
  };
  if (form.mask === 'float') result.mask = { dims: [1, 1, sequence, total], values: Array.from(uniform(random, sequence * total, -3, 0)) };
  else if (form.mask) result.mask = { dims: [sequence, total], values: maskValues(form.mask, total), type: 'bool' };
  return result;
}

/** The projections, and the past cache as 4-D [n, kv heads, P, size] (past_key, past_value) when asked. */
function projections(form: AttentionForm): NodeSpec[] {
  const nodes = [node('MatMul', ['x', 'wq'], 'q'), node('MatMul', ['x', 'wk'], 'k'), node('MatMul', ['x', 'wv'], 'v')];
  if (form.past === 'constant') {
    nodes.push(
      node('Shape', ['x'], 'batch', { start: { int: 0 }, end: { int: 1 } }),
      node('Concat', ['batch', 'past_tail'], 'past_shape', { axis: { int: 0 } }),
    );
    nodes.push(node('Expand', ['past_key_value', 'past_shape'], 'past_key'), node('Expand', ['past_value_value', 'past_shape'], 'past_value'));
  } else if (form.past === 'pair') {
    // P = 3 past positions: the projections of x's first three positions.
    nodes.push(node('Slice', ['x', 'zero', 'three', 'one'], 'x_past'));
    for (const [w, name] of [
      ['wpk', 'past_key'],
      ['wpv', 'past_value'],
    ] as const)
      nodes.push(node('MatMul', ['x_past', w], `${name}_3d`), ...heads(`${name}_3d`, 'kv_shape', name));
  }
  return nodes;
}

/** The layer with one Attention node (opset 23). */
export function fusedAttention(form: AttentionForm): Uint8Array {
  const { sequence, hidden, queryHeads, kvHeads, past } = FORM;
  const total = sequence + (form.past ? past : 0);
  const attributes: NodeSpec['attributes'] = {
    ...(form.causal ? { is_causal: { int: 1 } } : {}),
    ...(form.softcap ? { softcap: { float: form.softcap } } : {}),
    ...(form.fourD ? {} : { q_num_heads: { int: queryHeads }, kv_num_heads: { int: kvHeads } }),
  };
  const nodes = projections(form);
  if (form.fourD) nodes.push(...heads('q', 'q_shape', 'q4'), ...heads('k', 'kv_shape', 'k4'), ...heads('v', 'kv_shape', 'v4'));
  const [q, k, v] = form.fourD ? ['q4', 'k4', 'v4'] : ['q', 'k', 'v'];
  const inputs = [q, k, v, form.mask ? 'mask' : '', ...(form.past ? ['past_key', 'past_value'] : [])];
  nodes.push({ op: 'Attention', inputs, outputs: [form.fourD ? 'y4' : 'y', 'present_key', 'present_value'], attributes });
  if (form.fourD) nodes.push(node('Transpose', ['y4'], 'y4_t', { perm: { ints: [0, 2, 1, 3] } }), node('Reshape', ['y4_t', 'packed'], 'y'));
  return makeModel({
    opset: 23,
    inputs: { x: ['n', sequence, hidden] },
    constants: { ...constants(form, total), zero: i64([0]), one: i64([1]), three: i64([past]) },
    nodes,
    outputs: ['y', 'present_key'],
  });
}

/** The same layer in the standard ops torch exports before opset 23 (a boolean mask as Where, a float mask and causality as Add). */
export function writtenOutAttention(form: AttentionForm): Uint8Array {
  const { sequence, hidden, past } = FORM;
  const total = sequence + (form.past ? past : 0);
  const nodes = [...projections(form), ...heads('q', 'q_shape', 'qh'), ...heads('k', 'kv_shape', 'kh'), ...heads('v', 'kv_shape', 'vh')];
  for (const name of ['k', 'v']) {
    const all = form.past ? `${name}_all` : `${name}h`;
    if (form.past) nodes.push(node('Concat', [`past_${name === 'k' ? 'key' : 'value'}`, `${name}h`], all, { axis: { int: 2 } }));
    nodes.push(node('Unsqueeze', [all, 'axis2'], `${name}_unsqueezed`), node('Expand', [`${name}_unsqueezed`, 'groups'], `${name}_expanded`));
    nodes.push(node('Reshape', [`${name}_expanded`, 'repeated_shape'], `${name}_repeated`));
  }
  nodes.push(
    node('Transpose', ['k_repeated'], 'k_t', { perm: { ints: [0, 1, 3, 2] } }),
    node('MatMul', ['qh', 'k_t'], 'product'),
    node('Mul', ['product', 'scale'], 'scores'),
  );
  let scores = 'scores';
  const step = (op: string, inputs: string[], output: string): void => {
    nodes.push(node(op, inputs, output));
    scores = output;
  };
  if (form.softcap) {
    const cap = `softcap`;
    step('Div', [scores, cap], 'capped_inside');
    step('Tanh', [scores], 'capped_tanh');
    step('Mul', [scores, cap], 'capped');
  }
  if (form.mask === 'float') step('Add', [scores, 'mask'], 'masked');
  else if (form.mask) step('Where', ['mask', scores, 'lowest'], 'masked');
  if (form.causal) step('Add', [scores, 'causal'], 'causal_masked');
  nodes.push(node('Softmax', [scores], 'weights', { axis: { int: -1 } }), node('MatMul', ['weights', 'v_repeated'], 'per_head'));
  nodes.push(node('Transpose', ['per_head'], 'per_head_t', { perm: { ints: [0, 2, 1, 3] } }), node('Reshape', ['per_head_t', 'packed'], 'y'));
  nodes.push(node('Identity', [form.past ? 'k_all' : 'kh'], 'present_key'));
  return makeModel({
    opset: 23,
    inputs: { x: ['n', sequence, hidden] },
    constants: {
      ...constants(form, total),
      zero: i64([0]),
      one: i64([1]),
      three: i64([past]),
      softcap: { dims: [], values: [form.softcap ?? 1] },
      lowest: { dims: [], values: [FLOAT32_LOWEST] },
    },
    nodes,
    outputs: ['y', 'present_key'],
  });
}
