import type { GraphBuilder } from '../graph/builder.js';
import { cloneNode, firstPairOnly, type Pair, type PairRule } from './pair.js';

/**
 * A reciprocal of a decomposed tensor (Reciprocal, a constant divided by it, a negative power; in
 * an RMSNorm, rsqrt(mean(x²) + ε)) has no split through 0, where it is infinite. It is carried as
 * a statistic of the whole tensor, as a LayerNorm's deviation is: the irrelevant part holds the
 * whole value and the relevant part 0, and a product (or quotient) by it scales each part of the
 * other factor by the whole value instead of splitting by the product rule. So x·rsqrt(s),
 * x·Reciprocal(Sqrt(s)) and x / Sqrt(s) give the same parts: each part of x over √s of the whole.
 */
export function statistic(builder: GraphBuilder, whole: string): Pair {
  return { rel: builder.zerosLike(whole), irrel: whole, statistic: true };
}

/** The tensor a pair stands for: rel + irrel (a statistic's irrelevant part alone, its relevant part being 0). */
export const wholeOf = (builder: GraphBuilder, pair: Pair): string => (pair.statistic ? pair.irrel : builder.add(pair.rel, pair.irrel));

/** Reciprocal of a pair: a statistic (see statistic). */
export const reciprocal: PairRule = (node, inputs, builder) => [
  statistic(builder, cloneNode(builder, node, [wholeOf(builder, firstPairOnly(node, inputs))])[0] as string),
];

/** Mul with a statistic: each part of the other factor times the statistic (both statistics: a statistic); undefined when neither is one. */
export function productWithStatistic(builder: GraphBuilder, a: Pair, b: Pair): Pair | undefined {
  if (a.statistic && b.statistic) return statistic(builder, builder.mul(a.irrel, b.irrel));
  const [data, factor] = b.statistic ? [a, b.irrel] : a.statistic ? [b, a.irrel] : [];
  return data && factor ? { rel: builder.mul(data.rel, factor), irrel: builder.mul(data.irrel, factor) } : undefined;
}

/** A pair's value scaled by a constant: a statistic stays one. */
export const keepStatistic = (source: Pair, results: Pair[]): Pair[] =>
  source.statistic ? results.map((r) => ({ rel: r.rel, irrel: r.irrel, statistic: true })) : results;
