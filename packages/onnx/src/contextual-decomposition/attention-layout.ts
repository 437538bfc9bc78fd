import type { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../proto/tensor.js';
import { isPair, type Carried } from './pair.js';

/**
 * Shape-free pieces of the Attention op (opset 23) for the contextual-decomposition rewrite, which
 * runs on a model whose batch (and often every other axis) is symbolic: every shape is read at
 * run time or left to Reshape's 0 and −1.
 */

/**
 * `f` applied to each part of a pair, or to a constant. A pair's recorded constant (a Sigmoid's ½, a
 * Softmax's S(0)) goes through `f` too when `f` only moves elements (a Reshape, a Transpose), as
 * the rules of those ops carry it; otherwise it is dropped, as the rules of linear ops drop it.
 */
export function partwise(x: Carried, f: (part: string) => string, movesElements = false): Carried {
  if (!isPair(x)) return f(x);
  const parts = { rel: f(x.rel), irrel: f(x.irrel) };
  if (!movesElements || x.constant === undefined) return parts;
  return { ...parts, constant: typeof x.constant === 'number' ? x.constant : f(x.constant) };
}

/** A name to read shapes from: the relevant part of a pair, or the constant. */
export const shapeSource = (x: Carried): string => (isPair(x) ? x.rel : x);

/** The dimensions start … end − 1 of `x` as an int64 vector (a Slice of Shape, which every opset has; Shape's start and end came in 15). */
export const dimsOf = (builder: GraphBuilder, x: string, start: number, end: number): string =>
  builder.op('Slice', [builder.op('Shape', [x]), builder.int64Constant([start]), builder.int64Constant([end])]);

/** [B, S, heads·size] → [B, heads, S, size]. */
export const toHeads = (builder: GraphBuilder, x: string, heads: number): string =>
  builder.transpose(builder.op('Reshape', [x, builder.int64Constant([0, 0, heads, -1])]), [0, 2, 1, 3]);

/** [B, heads, S, size] → [B, S, heads·size]. */
export const fromHeads = (builder: GraphBuilder, x: string): string =>
  builder.op('Reshape', [builder.transpose(x, [0, 2, 1, 3]), builder.int64Constant([0, 0, -1])]);

/**
 * Each key/value head repeated for the query heads of its group, [h0, h0, h1, h1, …] (grouped-query
 * attention); `groups` is the number of query heads per key/value head, or an int64 [1] tensor of it.
 */
export function repeatHeads(builder: GraphBuilder, x: string, groups: number | string): string {
  if (groups === 1) return x;
  const count = typeof groups === 'number' ? builder.int64Constant([groups]) : groups;
  const grid = builder.op('Concat', [builder.int64Constant([1, 1]), count, builder.int64Constant([1, 1])], { axis: { int: 0 } });
  const grouped = builder.op('Expand', [builder.unsqueeze(x, [2]), grid]);
  const shape = builder.op('Concat', [dimsOf(builder, x, 0, 1), builder.int64Constant([-1]), dimsOf(builder, x, 2, 4)], { axis: { int: 0 } });
  return builder.op('Reshape', [grouped, shape]);
}

/** 1/√(head size), the default scale, from the last axis of `heads` [B, H, S, size]. */
export function defaultScale(builder: GraphBuilder, heads: string): string {
  const size = builder.op('Cast', [dimsOf(builder, heads, 3, 4)], { to: { int: DataType.FLOAT } });
  return builder.op('Reciprocal', [builder.op('Sqrt', [size])]);
}

/** 0 where `allowed`, −∞ elsewhere. */
export const selectBias = (builder: GraphBuilder, allowed: string): string =>
  builder.op('Where', [allowed, builder.floatConstant([0]), builder.floatConstant([-Infinity])]);

/**
 * The causal bias of scores [B, H, Sq, T]: query i sees key j iff j ≤ i + T − Sq (the keys before
 * the queries being the past cache), as a [Sq, T] tensor of 0 and −∞.
 */
export function causalBias(builder: GraphBuilder, scores: string): string {
  const scalar = (vector: string): string => builder.op('Squeeze', [vector, builder.int64Constant([0])]);
  const queries = dimsOf(builder, scores, 2, 3);
  const total = dimsOf(builder, scores, 3, 4);
  const zero = builder.int64Constant([0], []);
  const one = builder.int64Constant([1], []);
  const rows = builder.op('Range', [scalar(builder.sub(total, queries)), scalar(total), one]);
  const columns = builder.op('Range', [zero, scalar(total), one]);
  return selectBias(builder, builder.op('LessOrEqual', [columns, builder.unsqueeze(rows, [1])]));
}

/**
 * Rows whose bias is −∞ at every key get the bias 0 (a finite softmax, no NaN) and the weights 0
 * (`keep`), which gives onnxruntime's zero rows for a query that may see no key.
 */
export function guardMaskedRows(builder: GraphBuilder, bias: string): { safeBias: string; keep: string } {
  const rowMax = builder.op('ReduceMax', [bias, builder.int64Constant([-1])], { keepdims: { int: 1 } });
  const masked = builder.op('Equal', [rowMax, builder.floatConstant([-Infinity])]);
  const zero = builder.floatConstant([0]);
  return { safeBias: builder.op('Where', [masked, zero, bias]), keep: builder.op('Where', [masked, zero, builder.floatConstant([1])]) };
}
