import { DataType, encodeModel, makeTensor, onnx } from '@ig/onnx';

/** Weights of the two-input, two-output test model; y and z below are its closed form. */
const W = [1, -2, 0.5, 3, -1, 0.25];
const V = [0.7, 0.2, -0.4, 1.1, 0.3, -0.6];
const U = [0.5, -1, 2, 0.1, -0.3, 0.8, -1.2, 0.4, 1.5, 0.6, -0.2, -0.9];
const Q = [0.2, 0.4, -0.1, 0.3, -0.5, 0.1, 0.6, -0.2, 0.05, -0.3, 0.25, 0.15];

const matmul = (x: readonly number[], w: readonly number[], cols: number): number[] =>
  Array.from({ length: cols }, (_, j) => x.reduce((sum, v, k) => sum + v * (w[k * cols + j] as number), 0));

/** y = (a·b)W + sin(a)V  [n, 2];  z = tanh(b)U + aQ  [n, 4] (one example, in float64). */
export function twoHeads(a: readonly number[], b: readonly number[]): { y: number[]; z: number[] } {
  const ab = a.map((v, k) => v * (b[k] as number));
  const y = matmul(ab, W, 2).map((v, j) => v + (matmul(a.map(Math.sin), V, 2)[j] as number));
  const z = matmul(b.map(Math.tanh), U, 4).map((v, j) => v + (matmul(a, Q, 4)[j] as number));
  return { y, z };
}

function info(name: string, shape: readonly (number | string)[]): onnx.ValueInfoProto {
  const dim = shape.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } });
}

/** An ONNX model with inputs a, b [n, 3] and outputs y [n, 2], z [n, 4]. */
export function twoInputTwoOutputModel(): Uint8Array {
  const node = (op: string, input: string[], output: string): onnx.NodeProto => onnx.NodeProto.create({ name: output, opType: op, input, output: [output] });
  const graph = onnx.GraphProto.create({
    name: 'two-heads',
    input: [info('a', ['n', 3]), info('b', ['n', 3])],
    output: [info('y', ['n', 2]), info('z', ['n', 4])],
    initializer: [
      makeTensor('W', [3, 2], DataType.FLOAT, W),
      makeTensor('V', [3, 2], DataType.FLOAT, V),
      makeTensor('U', [3, 4], DataType.FLOAT, U),
      makeTensor('Q', [3, 4], DataType.FLOAT, Q),
    ],
    node: [
      node('Mul', ['a', 'b'], 'ab'),
      node('MatMul', ['ab', 'W'], 'abW'),
      node('Sin', ['a'], 'sa'),
      node('MatMul', ['sa', 'V'], 'saV'),
      node('Add', ['abW', 'saV'], 'y'),
      node('Tanh', ['b'], 'tb'),
      node('MatMul', ['tb', 'U'], 'tbU'),
      node('MatMul', ['a', 'Q'], 'aQ'),
      node('Add', ['tbU', 'aQ'], 'z'),
    ],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, producerName: 'ig-cli-tests', opsetImport: [{ domain: '', version: 17 }], graph }));
}

/** f_c(x) = Σ_hw x[c, h, w]² for x [n, 3, 4, 4]: the output [n, 3, 1, 1]. IG from 0 to class c is x² on channel c, 0 elsewhere. */
export function channelEnergyModel(): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'channel-energy',
    input: [info('x', ['n', 3, 4, 4])],
    output: [info('energy', ['n', 3, 1, 1])],
    initializer: [makeTensor('axes', [2], DataType.INT64, [2, 3])],
    node: [
      onnx.NodeProto.create({ name: 'square', opType: 'Mul', input: ['x', 'x'], output: ['x2'] }),
      onnx.NodeProto.create({ name: 'energy', opType: 'ReduceSum', input: ['x2', 'axes'], output: ['energy'] }),
    ],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, producerName: 'ig-cli-tests', opsetImport: [{ domain: '', version: 17 }], graph }));
}
