import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataType, encodeModel, makeTensor, onnx } from '@ig/onnx';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

/** A dimension: a size, or a name for a free (symbolic) dimension. */
type Dim = number | string;

interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly ints?: Readonly<Record<string, number | readonly number[]>>;
}

export interface OnnxSpec {
  readonly inputs: Readonly<Record<string, readonly Dim[]>>;
  readonly outputs: readonly string[];
  /** Declared output shapes (none by default). */
  readonly outputShapes?: Readonly<Record<string, readonly Dim[]>>;
  readonly nodes: readonly NodeSpec[];
  readonly constants?: Readonly<Record<string, { dims: readonly number[]; values: readonly number[]; int64?: boolean }>>;
}

function valueInfo(name: string, shape?: readonly Dim[]): onnx.ValueInfoProto {
  const dim = shape?.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT, ...(dim ? { shape: { dim } } : {}) } } });
}

function attribute(name: string, value: number | readonly number[]): onnx.AttributeProto {
  return typeof value === 'number'
    ? onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value })
    : onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...value] });
}

/** A small opset-17 ONNX model (float inputs and outputs), written to `path`. */
export function writeOnnxModel(path: string, spec: OnnxSpec): string {
  const graph = onnx.GraphProto.create({
    name: 'reliability',
    input: Object.entries(spec.inputs).map(([name, shape]) => valueInfo(name, shape)),
    output: spec.outputs.map((name) => valueInfo(name, spec.outputShapes?.[name])),
    initializer: Object.entries(spec.constants ?? {}).map(([name, c]) => makeTensor(name, c.dims, c.int64 ? DataType.INT64 : DataType.FLOAT, c.values)),
    node: spec.nodes.map((n, i) =>
      onnx.NodeProto.create({
        name: `${n.op}_${i}`,
        opType: n.op,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.ints ?? {}).map(([name, value]) => attribute(name, value)),
      }),
    ),
  });
  const model = onnx.ModelProto.create({ irVersion: 8, producerName: 'ig-cli-reliability', opsetImport: [{ domain: '', version: 17 }], graph });
  writeFileSync(path, encodeModel(model));
  return path;
}

/** y = sigmoid(x · w) for x of shape [N, 4]: one output per example. */
export function singleOutputOnnx(path: string): string {
  return writeOnnxModel(path, {
    inputs: { x: ['N', 4] },
    outputs: ['y'],
    constants: { w: { dims: [4, 1], values: [0.5, -1, 0.25, 2] } },
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['z'] },
      { op: 'Sigmoid', inputs: ['z'], outputs: ['y'] },
    ],
  });
}

/** y = a + b for two inputs of shape [N, 3]. */
export function twoInputOnnx(path: string): string {
  return writeOnnxModel(path, { inputs: { a: ['N', 3], b: ['N', 3] }, outputs: ['y'], nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }] });
}

/** y = Σ x² as a scalar (no batch axis in the output). */
export function scalarOutputOnnx(path: string): string {
  return writeOnnxModel(path, {
    inputs: { x: [1, 3] },
    outputs: ['y'],
    nodes: [
      { op: 'Mul', inputs: ['x', 'x'], outputs: ['s'] },
      { op: 'ReduceSum', inputs: ['s'], outputs: ['y'], ints: { keepdims: 0 } },
    ],
  });
}

/** An image model y = mean over (H, W) of relu(x), channels kept: input [N, 3, H, W] with free H and W (or the given sizes). */
export function imageOnnx(path: string, height: Dim = 'H', width: Dim = 'W'): string {
  return writeOnnxModel(path, {
    inputs: { x: ['N', 3, height, width] },
    outputs: ['y'],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['r'] },
      { op: 'ReduceMean', inputs: ['r'], outputs: ['y'], ints: { axes: [2, 3], keepdims: 0 } },
    ],
  });
}

/** A chain of `count` Relu nodes on x of shape [N, 2] (a model with a large graph). */
export function chainOnnx(path: string, count: number): string {
  const nodes = Array.from({ length: count }, (_, i) => ({ op: 'Relu', inputs: [i === 0 ? 'x' : `t${i - 1}`], outputs: [i === count - 1 ? 'y' : `t${i}`] }));
  return writeOnnxModel(path, { inputs: { x: ['N', 2] }, outputs: ['y'], nodes });
}

/** Saves a layers model as model.json + weights.bin in `dir`; `weightPath` names the weights file in the manifest. */
export async function saveTfjsModel(model: tfl.LayersModel, dir: string, weightPath = 'weights.bin'): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
      const json = {
        format: 'layers-model',
        generatedBy: 'tfjs-layers',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [weightPath], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(dir, 'model.json');
}

/** y = tanh(x · w + 0.1) for x of shape [N, 4], as a TensorFlow.js layers model: one output. */
export async function singleOutputTfjs(dir: string, weightPath?: string): Promise<string> {
  await tf.setBackend('cpu');
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 1, activation: 'tanh' })] });
  model.setWeights([tf.tensor2d([0.5, -1, 0.25, 2], [4, 1]), tf.tensor1d([0.1])]);
  return saveTfjsModel(model, dir, weightPath);
}

/** Writes a float32 .npy file of the given shape and values. */
export function writeNpy(path: string, shape: readonly number[], values: ArrayLike<number>): string {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const data = Float32Array.from(values);
  const out = Buffer.alloc(10 + header.length + data.byteLength);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(out);
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  Buffer.from(data.buffer).copy(out, 10 + header.length);
  writeFileSync(path, out);
  return path;
}
