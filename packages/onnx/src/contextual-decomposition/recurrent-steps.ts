import type { GraphBuilder } from '../graph/builder.js';
import type { Pair } from './pair.js';

/** `acd`'s tiny constant: a step with no input at all gives each part half. */
const SPLIT_EPSILON = 1e-20;

/** The first (only) direction of a recurrent node's weight, bias or state tensor `[1, …]`. */
export function firstDirection(builder: GraphBuilder, name: string): string {
  return builder.op('Gather', [name, builder.int64Constant([0], [])], { axis: { int: 0 } });
}

/** An initial state, a constant of the graph, as a wholly irrelevant pair; undefined without one. */
export function initialState(builder: GraphBuilder, name: string | undefined): Pair | undefined {
  if (!name) return undefined;
  const state = firstDirection(builder, name);
  return { rel: builder.mul(state, builder.floatConstant([0])), irrel: state };
}

/** Step t of a decomposed sequence `[T, N, I]`. */
export function stepOf(builder: GraphBuilder, x: Pair, t: number): Pair {
  const at = (part: string): string => builder.op('Gather', [part, builder.int64Constant([t], [])], { axis: { int: 0 } });
  return { rel: at(x.rel), irrel: at(x.irrel) };
}

/**
 * The shares of a step's bias-only term (as acd gives it): each part's Σ|x| of the step's input over
 * their sum, so 1 and 0 when the input is wholly relevant or irrelevant, and ½ each without input.
 */
export function biasSharer(builder: GraphBuilder): (xt: Pair) => Pair {
  const eps = builder.floatConstant([SPLIT_EPSILON]);
  return (xt) => {
    const relWeight = builder.add(builder.reduceSum(builder.op('Abs', [xt.rel]), [1]), eps);
    const irrelWeight = builder.add(builder.reduceSum(builder.op('Abs', [xt.irrel]), [1]), eps);
    const total = builder.add(relWeight, irrelWeight);
    return { rel: builder.div(relWeight, total), irrel: builder.div(irrelWeight, total) };
  };
}

/** The node's outputs Y `[T, 1, N, H]` (every step's h) and Y_h `[1, N, H]` (the last), then any extra states. */
export function recurrentOutputs(builder: GraphBuilder, hs: readonly Pair[], ...states: Pair[]): Pair[] {
  const stack = (part: 'rel' | 'irrel'): string => {
    const steps = hs.map((h) => builder.unsqueeze(h[part], [0, 1]));
    return steps.length === 1 ? (steps[0] as string) : builder.op('Concat', steps, { axis: { int: 0 } });
  };
  const outer = (p: Pair): Pair => ({ rel: builder.unsqueeze(p.rel, [0]), irrel: builder.unsqueeze(p.irrel, [0]) });
  return [{ rel: stack('rel'), irrel: stack('irrel') }, ...[hs[hs.length - 1] as Pair, ...states].map(outer)];
}
