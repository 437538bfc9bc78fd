import type { ConstantSpec, GraphSpec, ModelSpec, NodeSpec } from './model.js';
import { int, ints, node as plain } from '../op-cases/case.js';

export const node = (
  op: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: NodeSpec['attributes'] = {},
  graphs?: NodeSpec['graphs'],
): NodeSpec => ({
  ...plain(op, inputs, outputs, attributes),
  ...(graphs ? { graphs } : {}),
});

export const i64 = (values: number[], dims: number[] = []): ConstantSpec => ({ dims, values, type: 'int64' });
const bool = (value: boolean): ConstantSpec => ({ dims: [], values: [value ? 1 : 0], type: 'bool' });
export const weights = (dims: number[]): ConstantSpec => ({
  dims,
  values: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => 0.3 * Math.sin(1.7 * i + 0.4)),
});

/** Two differentiable branches reading the outer tensors x and w. */
export const branches: Record<string, GraphSpec> = {
  then_branch: { inputs: {}, nodes: [node('Mul', ['x', 'w'], ['t0']), node('Sin', ['t0'], ['t1'])], outputs: { t1: 'float' } },
  else_branch: { inputs: {}, nodes: [node('Tanh', ['x'], ['e0']), node('Mul', ['e0', 'w'], ['e1'])], outputs: { e1: 'float' } },
};

/** An If on a constant condition. */
export const ifConstant = (taken: boolean): ModelSpec => ({
  opset: 13,
  inputs: { x: [2, 4] },
  constants: { c: bool(taken), w: weights([4]) },
  nodes: [node('If', ['c'], ['y'], {}, branches)],
  outputs: ['y'],
});

/** An If on x.shape[1] > 3, as TorchScript exports it. */
export const ifShape: ModelSpec = {
  opset: 13,
  inputs: { x: [2, 4] },
  constants: { w: weights([4]), one: i64([1]), three: i64([3]) },
  nodes: [
    node('Shape', ['x'], ['s']),
    node('Gather', ['s', 'one'], ['d'], { axis: int(0) }),
    node('Greater', ['d', 'three'], ['c']),
    node('If', ['c'], ['y'], {}, branches),
  ],
  outputs: ['y'],
};

/** h ← tanh(h·W + x + i/4) three times, each step's h·2 a scan output; the body's condition passed through by an Identity. */
export const rnnBody = (extra: GraphSpec['nodes'] = [], next = 'h1'): GraphSpec => ({
  inputs: { i: 'int64', cond: 'bool', h: 'float' },
  nodes: [
    node('Identity', ['cond'], ['cond_out']),
    node('Cast', ['i'], ['fi'], { to: int(1) }),
    node('Mul', ['fi', 'quarter'], ['shift']),
    node('MatMul', ['h', 'W'], ['hw']),
    node('Add', ['hw', 'x'], ['pre']),
    node('Add', ['pre', 'shift'], ['pre2']),
    node('Tanh', ['pre2'], ['h1']),
    ...extra,
    node('Mul', [next, 'two'], ['scan']),
  ],
  outputs: { cond_out: 'bool', [next]: 'float', scan: 'float' },
});

export const loopModel = (body: GraphSpec = rnnBody(), extraConstants: ModelSpec['constants'] = {}, trip = 'M', condition = ''): ModelSpec => ({
  opset: 13,
  inputs: { x: [2, 3], h0: [2, 3] },
  constants: {
    M: i64([3]),
    axis0: i64([0], [1]),
    W: weights([3, 3]),
    quarter: { dims: [], values: [0.25] },
    two: { dims: [], values: [2] },
    ...extraConstants,
  },
  nodes: [
    node('Loop', [trip, condition, 'h0'], ['hT', 'hs'], {}, { body }),
    node('ReduceSum', ['hs', 'axis0'], ['r'], { keepdims: int(0) }),
    node('Add', ['hT', 'r'], ['y']),
  ],
  outputs: ['y'],
});

/** A Loop whose body holds an If on c, a condition of the main graph (x.shape[0] == 2), its branches reading h1 of the body and x of the main graph. */
export const loopWithIf: ModelSpec = {
  ...loopModel(
    rnnBody(
      [
        node(
          'If',
          ['c'],
          ['h2'],
          {},
          {
            then_branch: { inputs: {}, nodes: [node('Mul', ['h1', 'x'], ['p']), node('Add', ['p', 'h1'], ['q'])], outputs: { q: 'float' } },
            else_branch: { inputs: {}, nodes: [node('Neg', ['h1'], ['n'])], outputs: { n: 'float' } },
          },
        ),
      ],
      'h2',
    ),
    { zero: i64([0]), rows: i64([2]) },
  ),
};
(loopWithIf.nodes as unknown[]).unshift(
  node('Shape', ['x'], ['s']),
  node('Gather', ['s', 'zero'], ['d'], { axis: int(0) }),
  node('Equal', ['d', 'rows'], ['c']),
);

/** Scan over a [3, 2, 4] and b [2, 3, 4] (b scanned along axis 1, in reverse): s ← s·a + sin(b), s·b stacked. */
export const scanModel = (reverseOutput: boolean): ModelSpec => ({
  opset: 13,
  inputs: { s0: [2, 4], a: [3, 2, 4], b: [2, 3, 4] },
  nodes: [
    node(
      'Scan',
      ['s0', 'a', 'b'],
      ['sT', 'ys'],
      {
        num_scan_inputs: int(2),
        scan_input_axes: ints([0, 1]),
        scan_input_directions: ints([0, 1]),
        scan_output_directions: ints([reverseOutput ? 1 : 0]),
        scan_output_axes: ints([reverseOutput ? -1 : 0]),
      },
      {
        body: {
          inputs: { s: 'float', at: 'float', bt: 'float' },
          nodes: [node('Mul', ['s', 'at'], ['sa']), node('Sin', ['bt'], ['sb']), node('Add', ['sa', 'sb'], ['s1']), node('Mul', ['s1', 'bt'], ['out'])],
          outputs: { s1: 'float', out: 'float' },
        },
      },
    ),
    node('Flatten', ['sT'], ['fs'], { axis: int(0) }),
    node('Flatten', ['ys'], ['fy'], { axis: int(0) }),
    node('Concat', ['fs', 'fy'], ['y'], { axis: int(1) }),
  ],
  outputs: ['y'],
});

/** Zero iterations and no scan output: the loop gives its initial value; y = hT·x. */
export const loopWithoutIterations: ModelSpec = {
  opset: 13,
  inputs: { x: [2, 3], h0: [2, 3] },
  constants: { none: i64([0]), W: weights([3, 3]) },
  nodes: [
    node(
      'Loop',
      ['none', '', 'h0'],
      ['hT'],
      {},
      {
        body: {
          inputs: { i: 'int64', cond: 'bool', h: 'float' },
          nodes: [node('Identity', ['cond'], ['cond_out']), node('MatMul', ['h', 'W'], ['h1'])],
          outputs: { cond_out: 'bool', h1: 'float' },
        },
      },
    ),
    node('Mul', ['hT', 'x'], ['y']),
  ],
  outputs: ['y'],
};

/** A Loop of 2 iterations whose body runs an RNN node over x [3, 2, 4] from the carried state h [1, 2, 3]: the inlined RNN is unrolled in turn. */
export const loopOfRnn: ModelSpec = {
  opset: 13,
  inputs: { x: [3, 2, 4], h0: [1, 2, 3] },
  constants: { M: i64([2]), W: weights([1, 3, 4]), R: weights([1, 3, 3]) },
  nodes: [
    node(
      'Loop',
      ['M', '', 'h0'],
      ['hT'],
      {},
      {
        body: {
          inputs: { i: 'int64', cond: 'bool', h: 'float' },
          nodes: [node('Identity', ['cond'], ['cond_out']), node('RNN', ['x', 'W', 'R', '', '', 'h'], ['ys', 'h1'], { hidden_size: int(3) })],
          outputs: { cond_out: 'bool', h1: 'float' },
        },
      },
    ),
    node('Tanh', ['hT'], ['y']),
  ],
  outputs: ['y'],
};

/** A Loop whose body's If conditions on the iteration number (`if i > 0:`), folded per iteration. */
export const loopWithIterationIf = loopModel(
  rnnBody(
    [
      node('Greater', ['i', 'zero_i'], ['later']),
      node(
        'If',
        ['later'],
        ['h2'],
        {},
        {
          then_branch: { inputs: {}, nodes: [node('Mul', ['h1', 'x'], ['p'])], outputs: { p: 'float' } },
          else_branch: { inputs: {}, nodes: [node('Sin', ['h1'], ['q'])], outputs: { q: 'float' } },
        },
      ),
    ],
    'h2',
  ),
  { zero_i: i64([0]) },
);
