import type { GraphBuilder } from '../../graph/builder.js';
import type { Attributes } from '../../graph/attributes.js';
import { outputGrad, UnsupportedForm, type GradientRule, type NodeView } from './rule.js';

/**
 * The reduction a scatter node uses: 'none' overwrites, 'add' accumulates. The others (mul, max,
 * min) make each written element depend on the data and on several updates at once; they are
 * refused.
 */
function reduction(node: NodeView): 'none' | 'add' {
  const mode = node.string('reduction', 'none');
  if (mode === 'none' || mode === 'add') return mode;
  throw new UnsupportedForm(`reduction "${mode}" is not differentiated (only "none" and "add")`);
}

/**
 * With repeated indices an overwriting scatter keeps one update per element, which one being
 * left open by the spec: where the indices are constants, repeats are refused rather than
 * guessed.
 */
function refuseRepeatedIndices(node: NodeView, b: GraphBuilder, key: (values: readonly number[]) => string[]): void {
  const indices = node.input(1);
  if (!b.hasConstantValues(indices)) return;
  const seen = new Set<string>();
  for (const k of key(b.constantValues(indices))) {
    if (seen.has(k))
      throw new UnsupportedForm(`its indices "${indices}" write one element twice, and which update an overwriting scatter keeps is unspecified`);
    seen.add(k);
  }
}

/**
 * A scatter: y = data with the updates written (or added) where the indices point. The data's
 * gradient is g, with the overwritten elements zeroed; the updates' is g gathered at the indices.
 */
function scatterRule(
  opType: 'ScatterElements' | 'ScatterND',
  gatherOp: 'GatherElements' | 'GatherND',
  targets: (node: NodeView, b: GraphBuilder, values: readonly number[]) => string[],
): GradientRule {
  return {
    opType,
    since: 11,
    differentiable: [0, 2],
    gradient(node, grads, b) {
      const g = outputGrad(node, grads);
      const mode = reduction(node);
      const [indices, updates] = [node.input(1), node.input(2)];
      const axis: Attributes = opType === 'ScatterElements' ? { axis: { int: node.int('axis', 0) } } : {};
      if (mode === 'none') refuseRepeatedIndices(node, b, (values) => targets(node, b, values));
      const dData = !node.needsGradient(0) ? null : mode === 'add' ? g : b.op(opType, [g, indices, b.zerosLike(updates)], axis);
      const dUpdates = node.needsGradient(2) ? b.op(gatherOp, [g, indices], axis) : null;
      return [dData, null, dUpdates];
    },
  };
}

/** The flat positions in the data that ScatterElements' constant indices write. */
function elementTargets(node: NodeView, b: GraphBuilder, values: readonly number[]): string[] {
  const shape = b.shape(node.input(0));
  const indexShape = b.shape(node.input(1));
  const rank = shape.length;
  const rawAxis = node.int('axis', 0);
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  return values.map((value, flat) => {
    const position: number[] = [];
    let rest = flat;
    for (let d = rank - 1; d >= 0; d--) {
      const size = indexShape[d] as number;
      position[d] = rest % size;
      rest = Math.floor(rest / size);
    }
    const size = shape[axis] as number;
    position[axis] = value < 0 ? value + size : value;
    return position.join(',');
  });
}

/** The index tuples (the last axis of ScatterND's constant indices) it writes. */
function tupleTargets(node: NodeView, b: GraphBuilder, values: readonly number[]): string[] {
  const shape = b.shape(node.input(0));
  const indexShape = b.shape(node.input(1));
  const width = indexShape[indexShape.length - 1] as number;
  const out: string[] = [];
  for (let start = 0; start + width <= values.length && width > 0; start += width) {
    out.push(
      values
        .slice(start, start + width)
        .map((v, d) => (v < 0 ? v + (shape[d] as number) : v))
        .join(','),
    );
  }
  return out;
}

export const scatterElements = scatterRule('ScatterElements', 'GatherElements', elementTargets);
export const scatterND = scatterRule('ScatterND', 'GatherND', tupleTargets);

/** y = the upper or lower triangle of x (from diagonal k): g keeps the same triangle. */
export const trilu: GradientRule = {
  opType: 'Trilu',
  since: 14,
  differentiable: [0],
  gradient(node, grads, b) {
    const g = outputGrad(node, grads);
    const k = node.input(1);
    return [b.op('Trilu', k ? [g, k] : [g], { upper: { int: node.int('upper', 1) } })];
  },
};

export const scatterRules: readonly GradientRule[] = [scatterElements, scatterND, trilu];
