import { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';

/** A tensor carried as its relevant and irrelevant parts, which add up to the original. */
export interface Pair {
  readonly rel: string;
  readonly irrel: string;
  /**
   * A constant the irrelevant part holds: a nonlinearity's value at 0 (Sigmoid's ½, a Softmax's
   * uniform distribution as a tensor), which a product with another pair gives to the relevant
   * side, as the CD paper does with bias terms.
   */
  readonly constant?: number | string;
  /**
   * Set where the pair is a decomposed tensor with a constant mask applied (an attention mask added
   * to scores, or a Where filling masked positions): the parts before the mask and the mask as a
   * function of a whole tensor, so that a Softmax folds the mask into its function instead of
   * reading the mask's split shares.
   */
  readonly unmasked?: Unmasked;
  /** Set where the pair is a statistic of the whole tensor (a reciprocal, see statistics.ts): irrel holds it whole, rel is 0. */
  readonly statistic?: true;
}

export interface Unmasked {
  readonly parts: Pair;
  readonly apply: (whole: string) => string;
}

/** `mask` applied after whatever constant masks `data` already carries (a Where then an additive mask). */
export function chainMask(data: Pair, mask: (whole: string) => string): Unmasked {
  const earlier = data.unmasked;
  return earlier ? { parts: earlier.parts, apply: (whole) => mask(earlier.apply(whole)) } : { parts: data, apply: mask };
}

/** What a node's input or output is in the decomposed graph: a pair, or a plain (static) tensor. */
export type Carried = Pair | string;

/**
 * The dimensions the model's value infos state for a tensor, undefined where one is symbolic
 * (a free batch axis); what a rule can know of a shape the facts do not hold in full.
 */
export type DeclaredDims = (name: string) => readonly (number | undefined)[] | undefined;

export const isPair = (value: Carried | undefined): value is Pair => typeof value === 'object';

/** Rewrites one node whose inputs include a pair; returns what each output becomes. */
export type PairRule = (node: onnx.INodeProto, inputs: readonly Carried[], builder: GraphBuilder, declared: DeclaredDims) => Carried[];

/** The node's first input, which must be a pair while every other input is constant. */
export function firstPairOnly(node: onnx.INodeProto, inputs: readonly Carried[]): Pair {
  const first = inputs[0];
  if (!isPair(first)) throw new UnsupportedForm('only its first input may depend on the model input');
  const dependent = inputs.slice(1).findIndex(isPair);
  if (dependent >= 0) throw new UnsupportedForm(`input ${dependent + 1} ("${node.input?.[dependent + 1] ?? ''}") depends on the model input; only input 0 may`);
  return first;
}

/** A copy of `node` (attributes and domain included) reading `inputs`; returns its `outputCount` new outputs. */
export function cloneNode(builder: GraphBuilder, node: onnx.INodeProto, inputs: readonly string[], outputCount = 1): string[] {
  const opType = node.opType ?? '';
  const outputs = Array.from({ length: outputCount }, () => builder.fresh(opType));
  builder.nodes.push(
    onnx.NodeProto.create({
      opType,
      ...(node.domain ? { domain: node.domain } : {}),
      name: builder.fresh(`${opType}_node`),
      input: [...inputs],
      output: outputs,
      attribute: (node.attribute ?? []).map((a) => onnx.AttributeProto.create(a)),
    }),
  );
  return outputs;
}

/** `acd`'s tiny constant: a 0/0 split gives each part half. */
const SPLIT_EPSILON = 1e-20;

/**
 * rel' = Lr + b·(|Lr| + ε)/(|Lr| + |Li| + 2ε), irrel' = Li + b·(|Li| + ε)/(|Lr| + |Li| + 2ε):
 * the bias split in proportion to the magnitudes of the two linear parts (`acd`'s
 * propagate_conv_linear).
 */
export function splitBias(builder: GraphBuilder, linear: Pair, bias: string): Pair {
  const eps = builder.floatConstant([SPLIT_EPSILON]);
  const relWeight = builder.add(builder.op('Abs', [linear.rel]), eps);
  const irrelWeight = builder.add(builder.op('Abs', [linear.irrel]), eps);
  const total = builder.add(relWeight, irrelWeight);
  return {
    rel: builder.add(linear.rel, builder.mul(builder.div(relWeight, total), bias)),
    irrel: builder.add(linear.irrel, builder.mul(builder.div(irrelWeight, total), bias)),
  };
}

/** The node applied to each part alone, its other inputs unchanged (linear ops, pools, reshapes). */
export function eachPart(builder: GraphBuilder, node: onnx.INodeProto, data: Pair, dataIndex: number, outputCount = 1): Pair[] {
  const inputs = (part: string): string[] => (node.input ?? []).map((name, i) => (i === dataIndex ? part : name));
  const rel = cloneNode(builder, node, inputs(data.rel), outputCount);
  const irrel = cloneNode(builder, node, inputs(data.irrel), outputCount);
  return rel.map((r, k) => ({ rel: r, irrel: irrel[k] as string }));
}
