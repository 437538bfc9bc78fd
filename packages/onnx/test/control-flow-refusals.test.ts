import { describe, expect, it } from 'vitest';
import { buildGradientModel, checkGradientSupport, inferShapes, UnsupportedOpError } from '../src/index.js';
import { feedsOf, runtimes } from './helpers/ort.js';
import { makeModel, type ModelSpec } from './helpers/model.js';
import {
  ifOnData,
  ifOnDataShape,
  loopOfNoIterations,
  loopWithDataIf,
  loopOnDataCondition,
  loopOnDataTripCount,
  loopStoppingEarly,
  loopTooLong,
  loopWithoutTripCount,
} from './helpers/control-flow-refused.js';

function refusal(build: () => unknown): UnsupportedOpError {
  try {
    build();
  } catch (error) {
    if (error instanceof UnsupportedOpError) return error;
    throw error;
  }
  throw new Error('the model was accepted');
}

describe('control flow that is not static is refused with a typed error naming the node and why', () => {
  it.each([
    ['an If on a data-dependent condition', ifOnData, 'If_2', 'its condition "c" depends on the input data'],
    ['an If on the shape of a NonZero output', ifOnDataShape, 'If_5', 'its condition "c" depends on the input data'],
    ['a Loop on a data-dependent condition', loopOnDataCondition, 'Loop_2', 'its loop condition ("c") depends on the input data'],
    ['a Loop without a trip count', loopWithoutTripCount, 'Loop_2', 'it has no trip count M'],
    ['a Loop whose trip count depends on the data', loopOnDataTripCount, 'Loop_2', 'its trip count M ("n") depends on the input data'],
    ['a Loop whose body computes its condition', loopStoppingEarly, 'Loop_0', `the body's condition output ("go") is computed in the body`],
  ] as const)('%s', (_name, spec: ModelSpec, nodeName, reason) => {
    const bytes = makeModel(spec);
    for (const error of [refusal(() => checkGradientSupport(bytes)), refusal(() => buildGradientModel(bytes))]) {
      expect(error.nodes[0]?.nodeName).toBe(nodeName);
      expect(error.nodes[0]?.reason).toContain(reason);
      expect(error.message).toContain(nodeName);
    }
  });

  it("an If on a data-dependent condition even where a probe recorded the condition's value", async () => {
    const bytes = makeModel(ifOnData);
    const feeds = feedsOf(runtimes.node, { x: { data: Float32Array.from({ length: 8 }, (_, i) => i / 8), dims: [2, 4] } });
    const facts = await inferShapes(runtimes.node, bytes, feeds);
    expect(facts.values.get('c')).toEqual([1]);
    const error = refusal(() => buildGradientModel(bytes, { facts }));
    expect(error.nodes[0]?.reason).toContain('its condition "c" depends on the input data');
  });

  it.each([
    [
      'a Loop whose body holds an If on a tensor of the body',
      loopWithDataIf,
      'its If node "body_If_9" inside: its condition "inner_c" depends on the input data',
    ],
    ['a Loop of 0 iterations with scan outputs', loopOfNoIterations, 'it runs 0 iterations, and its scan outputs would be empty tensors'],
  ] as const)('%s (found once the loop is inlined)', (_name, spec: ModelSpec, reason) => {
    const error = refusal(() => buildGradientModel(makeModel(spec)));
    expect(error.nodes[0]?.nodeName).toBe('Loop_0');
    expect(error.nodes[0]?.reason).toContain(reason);
  });

  it('a Loop whose unrolling would pass the node limit', () => {
    const error = refusal(() => buildGradientModel(makeModel(loopTooLong)));
    expect(error.nodes[0]?.nodeName).toBe('Loop_0');
    expect(error.nodes[0]?.reason).toMatch(/unrolling its 100000 iterations of a \d+-node body would add \d+ nodes, over the limit of 200000/);
  });
});
