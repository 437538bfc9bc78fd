import type { GraphBuilder } from '../../graph/builder.js';
import { outputGrad, UnsupportedForm, type GradientRule, type NodeView } from './rule.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** An equation with each ellipsis spelled out as letters and the output made explicit. */
interface Equation {
  readonly operands: readonly string[];
  readonly output: string;
}

/**
 * Parses `equation` for operands of `ranks`: an ellipsis becomes fresh letters (aligned from the
 * right across operands), an implicit output the ellipsis then the letters seen once, sorted.
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
  const operands = terms.map((t, i) => t.replace('...', ellipsis.slice(ellipsisRank - (ellipsisRanks[i] as number))));
  operands.forEach((term, i) => {
    if (!/^[a-zA-Z]*$/.test(term) || term.length !== ranks[i]) throw node.invalid(`equation "${equation}": operand ${i} does not match its rank ${ranks[i]}`);
    const repeated = [...term].find((l, j) => term.indexOf(l) !== j);
    if (repeated) refuse(`operand ${i} repeats index "${repeated}" (a diagonal or trace)`);
  });
  const counts = new Map<string, number>();
  for (const l of operands.join('')) counts.set(l, (counts.get(l) ?? 0) + 1);
  const seenOnce = [...counts.keys()].filter((l) => counts.get(l) === 1 && !ellipsis.includes(l)).sort();
  const output = right === undefined ? ellipsis + seenOnce.join('') : right.replace('...', ellipsis);
  if (!/^[a-zA-Z]*$/.test(output) || [...output].some((l) => !counts.has(l))) throw node.invalid(`equation "${equation}": bad output "${right ?? ''}"`);
  return { operands, output };
}

/** Each index's size; an index with different sizes in different operands (broadcasting) is refused. */
function indexSizes(equation: string, operands: readonly string[], shapes: readonly (readonly number[])[]): Map<string, number> {
  const sizes = new Map<string, number>();
  operands.forEach((term, i) =>
    [...term].forEach((l, axis) => {
      const size = shapes[i]?.[axis] as number;
      const known = sizes.get(l);
      if (known !== undefined && known !== size) throw new UnsupportedForm(`equation "${equation}": index "${l}" has sizes ${known} and ${size} (broadcast)`);
      sizes.set(l, size);
    }),
  );
  return sizes;
}

/**
 * The gradient of operand i is the Einsum of g with the other operands onto operand i's indices;
 * an index only operand i has (summed away by the forward pass) is broadcast back with Expand.
 */
export const einsum: GradientRule = {
  opType: 'Einsum',
  since: 12,
  differentiable: 'all',
  gradient(node, grads, b: GraphBuilder) {
    const g = outputGrad(node, grads);
    const inputs = Array.from({ length: node.inputCount }, (_, i) => node.input(i));
    const shapes = inputs.map((x) => b.shape(x));
    const equation = node.string('equation', '');
    const { operands, output } = parseEquation(
      node,
      equation,
      shapes.map((s) => s.length),
    );
    const sizes = indexSizes(equation, operands, shapes);
    return inputs.map((x, i) => {
      if (!node.needsGradient(i)) return null;
      const own = operands[i] as string;
      const others = operands.filter((_, j) => j !== i);
      const reachable = new Set(output + others.join(''));
      const target = [...own].filter((l) => reachable.has(l)).join('');
      const terms = [output, ...others];
      const partial =
        others.length === 0 && target === output
          ? g
          : b.op('Einsum', [g, ...inputs.filter((_, j) => j !== i)], { equation: { string: `${terms.join(',')}->${target}` } });
      if (target === own) return partial;
      const kept = [...own].map((l) => (reachable.has(l) ? (sizes.get(l) as number) : 1));
      return b.expand(b.reshape(partial, kept), shapes[i] as readonly number[]);
    });
  },
};

export const einsumRules: readonly GradientRule[] = [einsum];
