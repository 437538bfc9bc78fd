import { attentionAttributes, scaledAttentionConstants, scaledAttentionNodes, type AttentionCaseSpec } from './contrib-attention-cases.js';
import { contribNode, node, randomConstant, type ContribCase } from './contrib-decomposition.js';
import type { ConstantSpec } from './model.js';

/** A MultiHeadAttention case: which of query, key and value are the input x (else constants of `keys` rows), and whether the packed bias is given. */
export interface MultiHeadCaseSpec extends AttentionCaseSpec {
  readonly sources: readonly ['x' | 'constant', 'x' | 'constant', 'x' | 'constant'];
  /** The number of keys of a constant key and value (the sequence when they are x). */
  readonly keys?: number;
  readonly bias: boolean;
}

const NAMES = ['q', 'k', 'v'] as const;

/** com.microsoft.MultiHeadAttention and the same computation with Add (each slice of the bias), Reshape, Transpose, MatMul, Mul, Softmax. */
export function multiHeadCase(spec: MultiHeadCaseSpec, seed = 21): ContribCase {
  const { batch, sequence, hidden, heads } = spec;
  const keys = spec.sources[1] === 'x' ? sequence : (spec.keys ?? sequence);
  const packed = randomConstant(seed, [3 * hidden]).values;
  const sourceOf = (i: 0 | 1 | 2): string => (spec.sources[i] === 'x' ? 'x' : `${NAMES[i]}_source`);
  const constants: Record<string, ConstantSpec> = {};
  NAMES.forEach((name, i) => {
    if (spec.sources[i] === 'constant') constants[`${name}_source`] = randomConstant(seed + 1 + i, [batch, i === 0 ? sequence : keys, hidden]);
    constants[`${name}_bias`] = { dims: [hidden], values: packed.slice(i * hidden, (i + 1) * hidden) };
  });
  const biased = NAMES.map((name, i) =>
    spec.bias ? node('Add', [sourceOf(i as 0 | 1 | 2), `${name}_bias`], [name]) : node('Identity', [sourceOf(i as 0 | 1 | 2)], [name]),
  );
  const inputs = [sourceOf(0), sourceOf(1), sourceOf(2), spec.bias ? 'packed_bias' : '', spec.mask ? 'mask' : '', spec.attentionBias ? 'attention_bias' : ''];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  return {
    shape: [batch, sequence, hidden],
    constants: { ...constants, packed_bias: { dims: [3 * hidden], values: packed }, ...scaledAttentionConstants(spec, keys, hidden / heads) },
    fused: { opset: 13, nodes: [contribNode('MultiHeadAttention', inputs, attentionAttributes(spec))] },
    standard: { opset: 13, nodes: [...biased, ...scaledAttentionNodes(spec)] },
  };
}
