import type { ModelSpec, NodeSpec } from './model.js';
import { int } from '../op-cases/case.js';
import { branches, i64, loopModel, node, rnnBody, weights } from './control-flow-models.js';

/** c = ΣX > 0: a condition that depends on the input data. */
const dataCondition = [node('ReduceSum', ['x'], ['sum'], { keepdims: int(0) }), node('Greater', ['sum', 'zero_f'], ['c'])];

export const ifOnData: ModelSpec = {
  opset: 13,
  inputs: { x: [2, 4] },
  constants: { w: weights([4]), zero_f: { dims: [], values: [0] } },
  nodes: [...dataCondition, node('If', ['c'], ['y'], {}, branches)],
  outputs: ['y'],
};

const withNodes = (spec: ModelSpec, before: readonly NodeSpec[], constants: ModelSpec['constants'] = {}): ModelSpec => ({
  ...spec,
  constants: { ...spec.constants, ...constants },
  nodes: [...before, ...spec.nodes],
});

export const loopOnDataCondition = withNodes(loopModel(rnnBody(), {}, 'M', 'c'), dataCondition, { zero_f: { dims: [], values: [0] } });

export const loopWithoutTripCount = withNodes(loopModel(rnnBody(), {}, '', 'c'), dataCondition, { zero_f: { dims: [], values: [0] } });

export const loopOnDataTripCount = withNodes(loopModel(rnnBody(), {}, 'n'), [
  node('ReduceSum', ['x'], ['sum'], { keepdims: int(0) }),
  node('Cast', ['sum'], ['n'], { to: int(7) }),
]);

/** The body's condition output is h1's sum > 0: the loop may stop early. */
export const loopStoppingEarly = loopModel(
  {
    ...rnnBody([node('ReduceSum', ['h1'], ['hsum'], { keepdims: int(0) }), node('Greater', ['hsum', 'zero_f'], ['go'])]),
    outputs: { go: 'bool', h1: 'float', scan: 'float' },
  },
  { zero_f: { dims: [], values: [0] } },
);

export const loopTooLong = loopModel(rnnBody(), { big: i64([100_000]) }, 'big');

/** A Loop whose body's If conditions on a tensor of the body (h1 summed > 0): data-dependent. */
export const loopWithDataIf = loopModel(
  rnnBody(
    [
      node('ReduceSum', ['h1'], ['hsum'], { keepdims: int(0) }),
      node('Greater', ['hsum', 'zero_f'], ['inner_c']),
      node(
        'If',
        ['inner_c'],
        ['h2'],
        {},
        {
          then_branch: { inputs: {}, nodes: [node('Neg', ['h1'], ['n'])], outputs: { n: 'float' } },
          else_branch: { inputs: {}, nodes: [node('Identity', ['h1'], ['k'])], outputs: { k: 'float' } },
        },
      ),
    ],
    'h2',
  ),
  { zero_f: { dims: [], values: [0] } },
);

export const loopOfNoIterations = loopModel(rnnBody(), { none: i64([0]) }, 'none');

/** An If on the count of x's positive elements (NonZero's shape): a shape that the data decides. */
export const ifOnDataShape: ModelSpec = {
  opset: 13,
  inputs: { x: [2, 4] },
  constants: { w: weights([4]), zero_f: { dims: [], values: [0] }, one: i64([1]), three: i64([3]) },
  nodes: [
    node('Greater', ['x', 'zero_f'], ['positive']),
    node('NonZero', ['positive'], ['where']),
    node('Shape', ['where'], ['s']),
    node('Gather', ['s', 'one'], ['count'], { axis: int(0) }),
    node('Greater', ['count', 'three'], ['c']),
    node('If', ['c'], ['y'], {}, branches),
  ],
  outputs: ['y'],
};
