import * as tf from '@tensorflow/tfjs';

type Attr = Record<string, unknown>;
interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Attr;
}

const FLOAT: Attr = { type: 'DT_FLOAT' };

function dims(shape: readonly number[]): Attr {
  return { dim: shape.map((size) => ({ size: String(size) })) };
}

function placeholder(name: string, shape: readonly number[]): GraphNode {
  return { name, op: 'Placeholder', attr: { dtype: FLOAT, shape: { shape: dims(shape) } } };
}

function constant(name: string, shape: readonly number[]): GraphNode {
  return { name, op: 'Const', attr: { dtype: FLOAT, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(shape) } } } };
}

function op(name: string, type: string, input: string[], attr: Attr = {}): GraphNode {
  return { name, op: type, input, attr: { T: FLOAT, ...attr } };
}

/** A TensorFlow GraphDef for x·W1 + b1 → relu → ·W2 + b2, loaded as a tf.GraphModel. */
export async function denseGraphModel(
  w1: tf.Tensor2D,
  b1: tf.Tensor1D,
  w2: tf.Tensor2D,
  b2: tf.Tensor1D,
  options: { dynamicTail?: boolean } = {},
): Promise<tf.GraphModel> {
  const inputs = w1.shape[0];
  const nodes: GraphNode[] = [
    placeholder('x', [-1, inputs]),
    constant('w1', w1.shape),
    constant('b1', b1.shape),
    constant('w2', w2.shape),
    constant('b2', b2.shape),
    op('mm1', 'MatMul', ['x', 'w1'], { transpose_a: { b: false }, transpose_b: { b: false } }),
    op('add1', 'BiasAdd', ['mm1', 'b1']),
    op('relu', 'Relu', ['add1']),
    op('mm2', 'MatMul', ['relu', 'w2'], { transpose_a: { b: false }, transpose_b: { b: false } }),
    op('logits', 'BiasAdd', ['mm2', 'b2']),
  ];
  if (options.dynamicTail === true) {
    // Where has a data-dependent output shape, so tfjs only runs this graph with executeAsync.
    nodes.push(constant('zero', []), op('positive', 'Greater', ['logits', 'zero']), {
      name: 'where',
      op: 'Where',
      input: ['positive'],
      attr: { T: { type: 'DT_BOOL' } },
    });
  }
  const constants = { w1, b1, w2, b2, ...(options.dynamicTail === true ? { zero: tf.scalar(0) } : {}) };
  const { data, specs } = await tf.io.encodeWeights(constants);
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: { node: nodes, versions: { producer: 1 } }, weightSpecs: specs, weightData: data }));
}
