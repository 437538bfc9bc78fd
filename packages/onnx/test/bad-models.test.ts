import { beforeAll, describe, expect, it } from 'vitest';
import { IGError } from '@ig/core';
import {
  buildFusedModel,
  buildGradientModel,
  decodeModel,
  encodeModel,
  inferShapes,
  InvalidModelError,
  type TensorFacts,
  ModelDecodeError,
  type onnx,
  UnknownShapeError,
  UnsupportedOpError,
  UnsupportedOpsetError,
} from '../src/index.js';
import { captumModelBytes } from '@ig/test-fixtures';
import { makeModel } from './helpers/model.js';
import { rng } from './helpers/random.js';
import { runtimes } from './helpers/ort.js';

const iris = captumModelBytes('iris_mlp');
const cnn = captumModelBytes('small_cnn');
const irisShapes = { shapes: new Map([['input', [2, 4]]]) };

/** A model touching many rules with attributes the mutator can bend. */
const opZoo = makeModel({
  opset: 13,
  inputs: { x: [2, 3, 8, 8] },
  constants: {
    w: { dims: [4, 3, 3, 3], values: Array.from({ length: 108 }, (_, i) => Math.sin(i)) },
    pads: { dims: [8], values: [0, 0, 1, 1, 0, 0, 1, 1], type: 'int64' },
    starts: { dims: [1], values: [1], type: 'int64' },
    ends: { dims: [1], values: [5], type: 'int64' },
    axes: { dims: [1], values: [3], type: 'int64' },
    scales: { dims: [4], values: [1, 1, 2, 2] },
    idx: { dims: [2], values: [0, 2], type: 'int64' },
  },
  nodes: [
    { op: 'Pad', inputs: ['x', 'pads'], outputs: ['p'], attributes: { mode: { string: 'reflect' } } },
    { op: 'Conv', inputs: ['p', 'w'], outputs: ['c'], attributes: { strides: { ints: [1, 1] }, pads: { ints: [1, 1, 1, 1] } } },
    { op: 'MaxPool', inputs: ['c'], outputs: ['m'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
    { op: 'Resize', inputs: ['m', '', 'scales'], outputs: ['r'], attributes: { mode: { string: 'linear' } } },
    { op: 'Slice', inputs: ['r', 'starts', 'ends', 'axes'], outputs: ['s'] },
    { op: 'AveragePool', inputs: ['s'], outputs: ['a'], attributes: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } } },
    { op: 'Gather', inputs: ['a', 'idx'], outputs: ['g'], attributes: { axis: { int: 1 } } },
    { op: 'Softmax', inputs: ['g'], outputs: ['y'], attributes: { axis: { int: 1 } } },
  ],
  outputs: ['y'],
});

function mutate(bytes: Uint8Array, change: (model: onnx.ModelProto) => void): Uint8Array {
  const model = decodeModel(bytes);
  change(model);
  return encodeModel(model);
}

describe('malformed models give a typed error', () => {
  it('empty, truncated and random bytes: ModelDecodeError', () => {
    expect(() => buildGradientModel(new Uint8Array(0))).toThrow(ModelDecodeError);
    for (const length of [1, 7, 100, iris.length - 3]) {
      expect(() => buildGradientModel(iris.subarray(0, length))).toThrow(IGError);
    }
    const random = rng(3);
    const noise = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    expect(() => buildGradientModel(noise)).toThrow(IGError);
  });

  it('a cycle names the nodes in it', () => {
    const bytes = mutate(iris, (m) => {
      const nodes = m.graph?.node as onnx.NodeProto[];
      (nodes[0] as onnx.NodeProto).input[0] = (nodes[nodes.length - 1] as onnx.NodeProto).output[0] as string;
    });
    expect(() => buildGradientModel(bytes, { facts: irisShapes })).toThrow(/cycle/);
  });

  it('a missing initializer names the node and the tensor', () => {
    const bytes = mutate(iris, (m) => {
      m.graph?.initializer?.splice(0, 1);
    });
    expect(() => buildGradientModel(bytes, { facts: irisShapes })).toThrow(InvalidModelError);
  });

  it('an unsupported opset or an unknown domain', () => {
    const old = mutate(iris, (m) => {
      (m.opsetImport?.[0] as onnx.OperatorSetIdProto).version = 0;
    });
    expect(() => buildGradientModel(old)).toThrow(UnsupportedOpsetError);
    const future = mutate(iris, (m) => {
      (m.opsetImport?.[0] as onnx.OperatorSetIdProto).version = 99;
    });
    expect(() => buildGradientModel(future)).toThrow(UnsupportedOpsetError);
    const foreign = mutate(iris, (m) => {
      (m.graph?.node?.[0] as onnx.NodeProto).domain = 'com.example';
    });
    expect(() => buildGradientModel(foreign, { facts: irisShapes })).toThrow(/does not import/);
  });

  it('every unsupported op is listed with node name and opset, before anything runs', () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: [2, 3] },
      nodes: [
        { op: 'Mul', inputs: ['x', 'x'], outputs: ['a'] },
        { op: 'Det', inputs: ['a'], outputs: ['b'] },
        { op: 'Custom', inputs: ['b'], outputs: ['c'], domain: 'com.example' },
        { op: 'Det', inputs: ['c'], outputs: ['y'] },
      ],
      outputs: ['y'],
      extraOpsets: [{ domain: 'com.example', version: 1 }],
    });
    try {
      buildGradientModel(bytes);
      expect.fail('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(UnsupportedOpError);
      const e = error as UnsupportedOpError;
      expect(e.opTypes).toEqual(['Det', 'com.example.Custom']);
      expect(e.nodes.map((n) => n.nodeName)).toEqual(['Det_1', 'Custom_2', 'Det_3']);
      expect(e.nodes.map((n) => n.opset)).toEqual([13, 1, 13]);
      // The first line alone names the first node and what it lacks (a CLI shows one line).
      expect(e.message.split('\n')).toEqual([
        'no gradient for Det, com.example.Custom: Det (opset 13) node "Det_1": no gradient rule; 3 nodes in all:',
        '  Det (opset 13) node "Det_1": no gradient rule',
        '  com.example.Custom (opset 1) node "Custom_2": no gradient rule',
        '  Det (opset 13) node "Det_3": no gradient rule',
      ]);
    }
  });

  it('a node without a name is named by the tensor it writes', () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: [2, 2] },
      nodes: [
        { op: 'Det', inputs: ['x'], outputs: ['determinant'] },
        { op: 'Relu', inputs: ['determinant'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const unnamed = mutate(bytes, (m) => m.graph?.node?.forEach((node) => (node.name = '')));
    expect(() => buildGradientModel(unnamed)).toThrow(/^no gradient for Det: Det \(opset 13\) unnamed node writing "determinant": no gradient rule$/);
  });

  it('huge declared dimensions and unknown shapes: typed errors, no allocation', () => {
    const huge = mutate(iris, (m) => {
      const dim = m.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.[1] as onnx.TensorShapeProto.Dimension;
      dim.dimValue = 2 ** 52;
    });
    expect(() => buildGradientModel(huge, { facts: { shapes: new Map([['input', [2, 2 ** 52]]]) } })).toThrow(IGError);
    expect(() => buildGradientModel(cnn)).toThrow(UnknownShapeError);
  });
});

/** One random structural or byte-level change. */
function mutant(base: Uint8Array, random: () => number): Uint8Array {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const kind = Math.floor(random() * 10);
  if (kind < 3) {
    const bytes = Uint8Array.from(base);
    const flips = 1 + Math.floor(random() * 8);
    for (let i = 0; i < flips; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    return kind === 2 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
  }
  const model = decodeModel(base);
  const graph = model.graph as onnx.GraphProto;
  const node = pick(graph.node);
  const names = graph.node.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])]).concat(graph.initializer.map((t) => t.name ?? ''));
  const hugeOrOdd = (): number => pick([-1, 0, 2 ** 31, 2 ** 53, -(2 ** 40), 3, 1e6]);
  switch (kind) {
    case 3:
      node.opType = pick(['Relu', 'Conv', 'MaxPool', 'Gemm', 'Slice', 'Pad', 'Resize', 'Gather', 'Softmax', 'Split', 'Nope', '']);
      break;
    case 4:
      if (node.input && node.input.length > 0) node.input[Math.floor(random() * node.input.length)] = pick(names.concat(['ghost']));
      break;
    case 5:
      for (const a of node.attribute ?? []) {
        if (a.ints && a.ints.length > 0) a.ints = a.ints.map(() => hugeOrOdd());
        else a.i = hugeOrOdd();
        a.f = pick([Number.NaN, -1, 1e30, 0]);
      }
      break;
    case 6: {
      const t = pick(graph.initializer);
      if (t) t.dims = (t.dims ?? []).map(() => hugeOrOdd());
      break;
    }
    case 7:
      graph.node.splice(Math.floor(random() * graph.node.length), 1);
      break;
    case 8:
      (model.opsetImport[0] as onnx.OperatorSetIdProto).version = pick([1, 10, 11, 13, 17, 21, 22, 1e9]);
      break;
    default:
      if (node.output) node.output[0] = pick(names);
  }
  return encodeModel(model);
}

describe('seeded mutation fuzz: ≥ 1000 mutants of the test models never crash or hang', () => {
  // Shapes of every tensor of the unmutated models, so mutants reach the gradient rules.
  const bases: { bytes: Uint8Array; facts: TensorFacts; steps: number }[] = [];
  beforeAll(async () => {
    const ort = runtimes.node;
    bases.push({ bytes: iris, steps: 2, facts: await inferShapes(ort, iris, { input: new ort.Tensor('float32', new Float32Array(8), [2, 4]) }) });
    bases.push({ bytes: cnn, steps: 2, facts: await inferShapes(ort, cnn, { input: new ort.Tensor('float32', new Float32Array(2 * 784), [2, 1, 28, 28]) }) });
    bases.push({
      bytes: opZoo,
      steps: 2,
      facts: await inferShapes(ort, opZoo, { x: new ort.Tensor('float32', new Float32Array(2 * 3 * 8 * 8), [2, 3, 8, 8]) }),
    });
  });

  it('every mutant either builds or throws an IGError, as a gradient graph and as a fused path graph', () => {
    const random = rng(20261124);
    const outcomes = { built: 0, typed: 0, fusedBuilt: 0, fusedTyped: 0, folded: 0 };
    for (let i = 0; i < 1500; i++) {
      const base = bases[i % bases.length] as (typeof bases)[number];
      const bytes = mutant(base.bytes, random);
      try {
        buildGradientModel(bytes, { facts: base.facts });
        outcomes.built++;
      } catch (error) {
        if (!(error instanceof IGError)) throw new Error(`mutant ${i}: untyped error`, { cause: error });
        outcomes.typed++;
      }
      try {
        if (buildFusedModel(bytes, { steps: base.steps, facts: base.facts }).affinePrefix.length > 0) outcomes.folded++;
        outcomes.fusedBuilt++;
      } catch (error) {
        if (!(error instanceof IGError)) throw new Error(`mutant ${i}: untyped error from the fused path graph`, { cause: error });
        outcomes.fusedTyped++;
      }
    }
    expect(outcomes.built + outcomes.typed).toBe(1500);
    expect(outcomes.built).toBeGreaterThan(100);
    expect(outcomes.typed).toBeGreaterThan(100);
    expect(outcomes.fusedBuilt).toBeGreaterThan(100);
    expect(outcomes.fusedTyped).toBeGreaterThan(100);
    // The CNN's first convolution makes an affine stem, so mutants reach the fold too.
    expect(outcomes.folded).toBeGreaterThan(100);
  });
});
