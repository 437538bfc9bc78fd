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

function intConstant(name: string, shape: readonly number[]): GraphNode {
  const int: Attr = { type: 'DT_INT32' };
  return { name, op: 'Const', attr: { dtype: int, value: { tensor: { dtype: 'DT_INT32', tensorShape: dims(shape) } } } };
}

function op(name: string, type: string, input: string[], attr: Attr = {}): GraphNode {
  return { name, op: type, input, attr: { T: FLOAT, ...attr } };
}

/**
 * The hidden layer's activation (a TensorFlow op name), and whether it is fused with the MatMul
 * and BiasAdd into one _FusedMatMul node, as TensorFlow's graph optimizer writes them.
 */
export interface HiddenActivation {
  readonly activation: 'Relu' | 'Relu6' | 'Elu' | 'LeakyRelu' | 'Sigmoid' | 'Tanh';
  readonly fused: boolean;
}

const LEAKY_ALPHA = 0.2;
const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** x·W1 + b1 → activation, written `relu` whatever the activation. */
function hiddenLayer({ activation, fused }: HiddenActivation): GraphNode[] {
  const transposes = { transpose_a: { b: false }, transpose_b: { b: false } };
  if (fused)
    return [
      op('relu', '_FusedMatMul', ['x', 'w1', 'b1'], {
        ...transposes,
        num_args: { i: '1' },
        fused_ops: { list: { s: [base64('BiasAdd'), base64(activation)] } },
        leakyrelu_alpha: { f: LEAKY_ALPHA },
      }),
    ];
  return [
    op('mm1', 'MatMul', ['x', 'w1'], transposes),
    op('add1', 'BiasAdd', ['mm1', 'b1']),
    op('relu', activation, ['add1'], activation === 'LeakyRelu' ? { alpha: { f: LEAKY_ALPHA } } : {}),
  ];
}

/** A TensorFlow GraphDef for x·W1 + b1 → relu (or options.hidden) → ·W2 + b2, loaded as a tf.GraphModel. */
export async function denseGraphModel(
  w1: tf.Tensor2D,
  b1: tf.Tensor1D,
  w2: tf.Tensor2D,
  b2: tf.Tensor1D,
  options: { dynamicTail?: boolean; gatheredInput?: boolean; hidden?: HiddenActivation } = {},
): Promise<tf.GraphModel> {
  const inputs = w1.shape[0];
  // x[:, :] by StridedSlice, then its columns gathered back in order by GatherNd: the same function
  // through two ops tfjs registers no gradient for.
  const gathered: GraphNode[] = [
    intConstant('begin', [2]),
    intConstant('end', [2]),
    intConstant('strides', [2]),
    intConstant('perm', [2]),
    intConstant('columns', [inputs, 1]),
    {
      ...op('sliced', 'StridedSlice', ['x_in', 'begin', 'end', 'strides']),
      attr: {
        T: FLOAT,
        Index: { type: 'DT_INT32' },
        begin_mask: { i: '3' },
        end_mask: { i: '3' },
        ellipsis_mask: { i: '0' },
        new_axis_mask: { i: '0' },
        shrink_axis_mask: { i: '0' },
      },
    },
    { ...op('columnsFirst', 'Transpose', ['sliced', 'perm']), attr: { T: FLOAT, Tperm: { type: 'DT_INT32' } } },
    { ...op('picked', 'GatherNd', ['columnsFirst', 'columns']), attr: { Tparams: FLOAT, Tindices: { type: 'DT_INT32' } } },
    { ...op('x', 'Transpose', ['picked', 'perm']), attr: { T: FLOAT, Tperm: { type: 'DT_INT32' } } },
  ];
  const nodes: GraphNode[] = [
    ...(options.gatheredInput === true ? [placeholder('x_in', [-1, inputs]), ...gathered] : [placeholder('x', [-1, inputs])]),
    constant('w1', w1.shape),
    constant('b1', b1.shape),
    constant('w2', w2.shape),
    constant('b2', b2.shape),
    ...hiddenLayer(options.hidden ?? { activation: 'Relu', fused: false }),
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
  const indexConstants = {
    begin: tf.tensor1d([0, 0], 'int32'),
    end: tf.tensor1d([0, 0], 'int32'),
    strides: tf.tensor1d([1, 1], 'int32'),
    perm: tf.tensor1d([1, 0], 'int32'),
    columns: tf.tensor2d(
      Array.from({ length: inputs }, (_, i) => [i]),
      [inputs, 1],
      'int32',
    ),
  };
  const constants = {
    w1,
    b1,
    w2,
    b2,
    ...(options.dynamicTail === true ? { zero: tf.scalar(0) } : {}),
    ...(options.gatheredInput === true ? indexConstants : {}),
  };
  const { data, specs } = await tf.io.encodeWeights(constants);
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: { node: nodes, versions: { producer: 1 } }, weightSpecs: specs, weightData: data }));
}

/** A token-id GraphDef: an int32 `ids` Placeholder [-1, length] gathered from a [vocab, dim] table, flattened, ·W. */
export async function tokenGraphModel(length: number, vocab: number, dim: number): Promise<tf.GraphModel> {
  const int: Attr = { type: 'DT_INT32' };
  const nodes: GraphNode[] = [
    { name: 'ids', op: 'Placeholder', attr: { dtype: int, shape: { shape: dims([-1, length]) } } },
    constant('table', [vocab, dim]),
    intConstant('axis', []),
    constant('w', [length * dim, 2]),
    intConstant('flatShape', [2]),
    { name: 'embedded', op: 'GatherV2', input: ['table', 'ids', 'axis'], attr: { Tparams: FLOAT, Tindices: int, Taxis: int, batch_dims: { i: '0' } } },
    { ...op('flat', 'Reshape', ['embedded', 'flatShape']), attr: { T: FLOAT, Tshape: int } },
    op('logits', 'MatMul', ['flat', 'w'], { transpose_a: { b: false }, transpose_b: { b: false } }),
  ];
  const { data, specs } = await tf.io.encodeWeights({
    table: tf.randomNormal([vocab, dim], 0, 1, 'float32', 4),
    axis: tf.scalar(0, 'int32'),
    w: tf.randomNormal([length * dim, 2], 0, 1, 'float32', 5),
    flatShape: tf.tensor1d([-1, length * dim], 'int32'),
  });
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: { node: nodes, versions: { producer: 1 } }, weightSpecs: specs, weightData: data }));
}
