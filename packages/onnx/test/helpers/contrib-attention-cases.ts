import { contribNode, node, randomConstant, scalar, type ContribCase } from './contrib-decomposition.js';
import type { ConstantSpec, NodeSpec } from './model.js';

/** float32's lowest value, which onnxruntime puts at the keys `unidirectional` hides. */
const LOWEST = -3.4028234663852886e38;

/** What a case's mask is: none, key lengths (B), end and start positions (left padding, 2·B), a raw 0/1 (B, T) or (B, S, T) mask. */
export type CaseMask =
  | { readonly lengths: readonly number[] }
  | { readonly ends: readonly number[]; readonly starts: readonly number[] }
  | { readonly raw: readonly (readonly number[])[] }
  | { readonly raw3: readonly (readonly (readonly number[])[])[] }
  | undefined;

export interface AttentionCaseSpec {
  readonly batch: number;
  readonly sequence: number;
  readonly hidden: number;
  readonly heads: number;
  /** [Dq, Dk, Dv]; equal thirds of 3·hidden when not given. */
  readonly sizes?: readonly [number, number, number];
  readonly mask?: CaseMask;
  readonly unidirectional?: boolean;
  readonly scale?: number;
  readonly filterValue?: number;
  /** attention_bias, [1, N, S, T] values added to the scaled scores. */
  readonly attentionBias?: readonly number[];
}

export const int64 = (values: readonly number[]): ConstantSpec => ({ dims: [values.length], values, type: 'int64' });

/** Whether the mask lets query i of batch b see key j, as the test reads the mask (independent of the code under test). */
function allowed(mask: CaseMask, b: number, i: number, j: number): boolean {
  if (mask === undefined) return true;
  if ('lengths' in mask) return j < (mask.lengths[b] as number);
  if ('ends' in mask) return j < (mask.ends[b] as number) && j >= (mask.starts[b] as number);
  if ('raw3' in mask) return (mask.raw3[b]?.[i]?.[j] as number) > 0;
  return (mask.raw[b]?.[j] as number) > 0;
}

/**
 * The additive bias [B, 1 or N, S, T] written out: the filter value at masked keys, float32's
 * lowest at later keys when unidirectional, plus attention_bias [1, N, S, T] when given (float32
 * sums, as onnxruntime adds them).
 */
function biasConstant(spec: AttentionCaseSpec, keys: number): ConstantSpec {
  const { batch, sequence } = spec;
  const heads = spec.attentionBias ? spec.heads : 1;
  const values: number[] = [];
  for (let b = 0; b < batch; b++)
    for (let n = 0; n < heads; n++)
      for (let i = 0; i < sequence; i++)
        for (let j = 0; j < keys; j++) {
          const mask = spec.unidirectional && j > i ? LOWEST : allowed(spec.mask, b, i, j) ? 0 : (spec.filterValue ?? -10000);
          values.push(Math.fround(mask + (spec.attentionBias?.[(n * sequence + i) * keys + j] ?? 0)));
        }
  return { dims: [batch, heads, sequence, keys], values };
}

function maskConstant(mask: CaseMask): ConstantSpec | undefined {
  if (mask === undefined) return undefined;
  if ('lengths' in mask) return { dims: [mask.lengths.length], values: mask.lengths, type: 'int32' };
  if ('ends' in mask) return { dims: [2 * mask.ends.length], values: [...mask.ends, ...mask.starts], type: 'int32' };
  if ('raw3' in mask) return { dims: [mask.raw3.length, mask.raw3[0]?.length ?? 0, mask.raw3[0]?.[0]?.length ?? 0], values: mask.raw3.flat(2), type: 'int32' };
  return { dims: [mask.raw.length, mask.raw[0]?.length ?? 0], values: mask.raw.flat(), type: 'int32' };
}

/** [B, S, N·H] → [B, N, S, H] with standard ops. */
const toHeadsNodes = (x: string): NodeSpec[] => [
  node('Reshape', [x, 'heads_shape'], [`${x}_r`]),
  node('Transpose', [`${x}_r`], [`${x}_h`], { perm: { ints: [0, 2, 1, 3] } }),
];

/** The contrib node's attributes of a case. */
export const attentionAttributes = (spec: AttentionCaseSpec): NodeSpec['attributes'] => ({
  num_heads: { int: spec.heads },
  ...(spec.sizes ? { qkv_hidden_sizes: { ints: [...spec.sizes] } } : {}),
  ...(spec.unidirectional ? { unidirectional: { int: 1 } } : {}),
  ...(spec.scale === undefined ? {} : { scale: { float: spec.scale } }),
  ...(spec.filterValue === undefined ? {} : { mask_filter_value: { float: spec.filterValue } }),
});

const isMasked = (spec: AttentionCaseSpec): boolean => spec.mask !== undefined || spec.unidirectional === true || spec.attentionBias !== undefined;

/** softmax(q·kᵀ·scale + bias)·v per head from the tensors q, k, v [B, S or T, N·H] to y, with standard ops. */
export const scaledAttentionNodes = (spec: AttentionCaseSpec): NodeSpec[] => [
  ...toHeadsNodes('q'),
  ...toHeadsNodes('k'),
  ...toHeadsNodes('v'),
  node('Transpose', ['k_h'], ['kt'], { perm: { ints: [0, 1, 3, 2] } }),
  node('MatMul', ['q_h', 'kt'], ['s']),
  node('Mul', ['s', 'scale'], isMasked(spec) ? ['ss'] : ['sm']),
  ...(isMasked(spec) ? [node('Add', ['ss', 'bias'], ['sm'])] : []),
  node('Softmax', ['sm'], ['a'], { axis: { int: -1 } }),
  node('MatMul', ['a', 'v_h'], ['o']),
  node('Transpose', ['o'], ['ot'], { perm: { ints: [0, 2, 1, 3] } }),
  node('Reshape', ['ot', 'merged_shape'], ['y']),
];

/** The constants of scaledAttentionNodes (the bias written out) and the contrib node's mask, for `keys` keys of head size `headSize`. */
export function scaledAttentionConstants(spec: AttentionCaseSpec, keys: number, headSize: number): Record<string, ConstantSpec> {
  const mask = maskConstant(spec.mask);
  return {
    ...(mask ? { mask } : {}),
    ...(spec.attentionBias ? { attention_bias: { dims: [1, spec.heads, spec.sequence, keys], values: spec.attentionBias } } : {}),
    ...(isMasked(spec) ? { bias: biasConstant(spec, keys) } : {}),
    scale: scalar(spec.scale ?? 1 / Math.sqrt(headSize)),
    heads_shape: int64([0, 0, spec.heads, -1]),
    merged_shape: int64([0, 0, -1]),
  };
}

/** The contrib node's inputs: x, weights, bias, then the mask and attention_bias where the case has them. */
function attentionInputs(spec: AttentionCaseSpec): string[] {
  if (spec.attentionBias) return ['x', 'w', 'b', spec.mask ? 'mask' : '', '', 'attention_bias'];
  return spec.mask ? ['x', 'w', 'b', 'mask'] : ['x', 'w', 'b'];
}

/** com.microsoft.Attention on x, and the same computation written with MatMul, Add, Slice, Reshape, Transpose, Mul, Softmax. */
export function attentionCase(spec: AttentionCaseSpec, seed = 1): ContribCase {
  const { batch, sequence, hidden, heads } = spec;
  const [dq, dk, dv] = spec.sizes ?? [hidden, hidden, hidden];
  const packed = dq + dk + dv;
  const slice = (name: string): NodeSpec => node('Slice', ['pb', `${name}_start`, `${name}_end`, 'last'], [name]);
  const standard: NodeSpec[] = [
    node('MatMul', ['x', 'w'], ['p']),
    node('Add', ['p', 'b'], ['pb']),
    slice('q'),
    slice('k'),
    slice('v'),
    ...scaledAttentionNodes(spec),
  ];
  return {
    shape: [batch, sequence, hidden],
    constants: {
      w: randomConstant(seed, [hidden, packed]),
      b: randomConstant(seed + 1, [packed]),
      ...scaledAttentionConstants(spec, sequence, dq / heads),
      q_start: int64([0]),
      q_end: int64([dq]),
      k_start: int64([dq]),
      k_end: int64([dq + dk]),
      v_start: int64([dq + dk]),
      v_end: int64([packed]),
      last: int64([-1]),
    },
    fused: { opset: 13, nodes: [contribNode('Attention', attentionInputs(spec), attentionAttributes(spec))] },
    standard: { opset: 13, nodes: standard },
  };
}
