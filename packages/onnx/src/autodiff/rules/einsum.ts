import { checkConstantSize, type GraphBuilder } from '../../graph/builder.js';
import { outputGrad, UnsupportedForm, type GradientRule, type NodeView } from './rule.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * An equation with each ellipsis spelled out as letters and the output made explicit. An index
 * repeated within an operand (a diagonal: x_ii) is renamed at each repeat and tied to the first
 * by an identity-matrix operand (x_ij·δ_ij), so that no operand repeats an index.
 */
interface Equation {
  readonly operands: readonly string[];
  readonly output: string;
  /** The index pairs of the identity operands, which follow the operands. */
  readonly identities: readonly string[];
}

/**
 * Parses `equation` for operands of `ranks`: an ellipsis becomes fresh letters (aligned from the
 * right across operands), an implicit output the ellipsis then the letters seen once, sorted;
 * repeated indices are untied (see Equation).
 */
export function parseEquation(node: NodeView, equation: string, ranks: readonly number[]): Equation {
  const text = equation.replace(/\s/g, '');
  const [left = '', right] = text.split('->');
  const terms = left.split(',');
  const refuse = (why: string): never => {
    throw new UnsupportedForm(`equation "${equation}": ${why}`);
  };
  if (terms.length !== ranks.length) throw node.invalid(`equation "${equation}" has ${terms.length} operands; the node has ${ranks.length} inputs`);
  const fresh = [...LETTERS].filter((l) => !text.includes(l));
  const ellipsisRanks = terms.map((t, i) => (t.includes('...') ? (ranks[i] as number) - t.replace('...', '').length : 0));
  const ellipsisRank = Math.max(0, ...ellipsisRanks);
  if (ellipsisRank > fresh.length) refuse('too many broadcast axes to name');
  const ellipsis = fresh.slice(0, ellipsisRank).join('');
  const spelled = terms.map((t, i) => t.replace('...', ellipsis.slice(ellipsisRank - (ellipsisRanks[i] as number))));
  spelled.forEach((term, i) => {
    if (!/^[a-zA-Z]*$/.test(term) || term.length !== ranks[i]) throw node.invalid(`equation "${equation}": operand ${i} does not match its rank ${ranks[i]}`);
  });
  const counts = new Map<string, number>();
  for (const l of spelled.join('')) counts.set(l, (counts.get(l) ?? 0) + 1);
  const seenOnce = [...counts.keys()].filter((l) => counts.get(l) === 1 && !ellipsis.includes(l)).sort();
  const output = right === undefined ? ellipsis + seenOnce.join('') : right.replace('...', ellipsis);
  if (!/^[a-zA-Z]*$/.test(output) || [...output].some((l) => !counts.has(l)) || new Set(output).size !== output.length) {
    throw node.invalid(`equation "${equation}": bad output "${right ?? ''}"`);
  }
  const spare = fresh.slice(ellipsisRank);
  const identities: string[] = [];
  const operands = spelled.map((term) =>
    [...term]
      .map((l, j) => {
        if (term.indexOf(l) === j) return l;
        const renamed = spare.shift() ?? refuse('too many repeated indices to name');
        identities.push(`${l}${renamed}`);
        return renamed;
      })
      .join(''),
  );
  return { operands, output, identities };
}

/**
 * Each index's size, and the operands with every broadcast axis (size 1 where the index is larger
 * elsewhere, as ONNX allows) renamed to an index of its own: summing a size-1 axis leaves the
 * product unchanged, and the operand's gradient is then summed over that axis. Sizes that differ
 * otherwise are refused.
 */
function broadcastIndices(equation: string, parsed: Equation, shapes: readonly (readonly number[])[]): { sizes: Map<string, number>; operands: string[] } {
  const sizes = new Map<string, number>();
  parsed.operands.forEach((term, i) =>
    [...term].forEach((l, axis) => {
      const size = shapes[i]?.[axis] as number;
      const known = sizes.get(l);
      if (known !== undefined && known !== size && known !== 1 && size !== 1) {
        throw new UnsupportedForm(`equation "${equation}": index "${l}" has sizes ${known} and ${size}`);
      }
      sizes.set(l, Math.max(known ?? size, size));
    }),
  );
  const used = new Set([...parsed.operands, parsed.output, ...parsed.identities].join(''));
  const spare = [...LETTERS].filter((l) => !used.has(l));
  const operands = parsed.operands.map((term, i) =>
    [...term]
      .map((l, axis) => {
        if (shapes[i]?.[axis] !== 1 || sizes.get(l) === 1) return l;
        const own = spare.shift();
        if (own === undefined) throw new UnsupportedForm(`equation "${equation}": too many broadcast axes to name`);
        sizes.set(own, 1);
        return own;
      })
      .join(''),
  );
  return { sizes, operands };
}

function identity(b: GraphBuilder, n: number): string {
  checkConstantSize([n, n]);
  return b.floatConstant(
    Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0)),
    [n, n],
  );
}

/**
 * The gradient of operand i is the Einsum of g with the other operands (identities included)
 * onto operand i's indices; an index only operand i has (summed away by the forward pass) is
 * broadcast back with Expand.
 */
export const einsum: GradientRule = {
  opType: 'Einsum',
  since: 12,
  differentiable: 'all',
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const inputs = Array.from({ length: node.inputCount }, (_, i) => node.input(i));
    const shapes = inputs.map((x) => b.shape(x));
    const equation = node.string('equation', '');
    const parsed = parseEquation(
      node,
      equation,
      shapes.map((s) => s.length),
    );
    const { sizes, operands: named } = broadcastIndices(equation, parsed, shapes);
    const operands = [...named, ...parsed.identities];
    const operandNames = [...inputs, ...parsed.identities.map((pair) => identity(b, sizes.get(pair[0] as string) as number))];
    const output = parsed.output;
    return inputs.map((_, i) => {
      if (!node.needsGradient(i)) return null;
      const own = operands[i] as string;
      const others = operands.filter((_, j) => j !== i);
      const reachable = new Set(output + others.join(''));
      const target = [...own].filter((l) => reachable.has(l)).join('');
      const partial =
        others.length === 0 && target === output
          ? g
          : b.op('Einsum', [g, ...operandNames.filter((_, j) => j !== i)], { equation: { string: `${[output, ...others].join(',')}->${target}` } });
      if (target === own) return partial;
      const kept = [...own].map((l) => (reachable.has(l) ? (sizes.get(l) as number) : 1));
      return b.expand(b.reshape(partial, kept), shapes[i] as readonly number[]);
    });
  },
};

export const einsumRules: readonly GradientRule[] = [einsum];
