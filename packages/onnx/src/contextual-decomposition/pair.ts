import { onnx } from '../proto/generated/onnx.js';
import type { GraphBuilder } from '../graph/builder.js';

/** A tensor carried as its relevant and irrelevant parts, which add up to the original. */
export interface Pair {
  readonly rel: string;
  readonly irrel: string;
  /**
   * A constant the irrelevant part holds: a nonlinearity's value at 0 (Sigmoid's ½), which a
   * product with another pair gives to the relevant side, as the CD paper does with bias terms.
   */
  readonly constant?: number;
}

/** What a node's input or output is in the decomposed graph: a pair, or a plain (static) tensor. */
export type Carried = Pair | string;

/**
 * The dimensions the model's value infos state for a tensor, undefined where one is symbolic
 * (a free batch axis); what a rule can know of a shape the facts do not hold in full.
 */
export type DeclaredDims = (name: string) => readonly (number | undefined)[] | undefined;

export const isPair = (value: Carried | undefined): value is Pair => typeof value === 'object';

/** A copy of `node` (attributes included) reading `inputs`; returns its `outputCount` new outputs. */
export function cloneNode(builder: GraphBuilder, node: onnx.INodeProto, inputs: readonly string[], outputCount = 1): string[] {
  const opType = node.opType ?? '';
  const outputs = Array.from({ length: outputCount }, () => builder.fresh(opType));
  builder.nodes.push(
    onnx.NodeProto.create({
      opType,
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
