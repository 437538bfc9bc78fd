import { describe, expect, it } from 'vitest';
import { integratedGradients } from '@ig/core';
import { onnxBackend } from '../src/node.js';
import { decodeModel, encodeModel, exposeTensor, inferShapes, InvalidModelError, listTensors, onnx } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { feedsOf, runModel, runtimes } from './helpers/ort.js';

const W = [0.5, -1, 0.25, 2, 0.75, -0.5, 1.5, 0, -0.25, 1, -2, 0.5];
const x = Float32Array.of(0.9, -0.4, 1.3, 0.2);

/** x [N, 4] → h = x·W [N, 3] → r = relu(h) → y = Σ r. */
function mlp(declareH?: onnx.IValueInfoProto): Uint8Array {
  const bytes = makeModel({
    opset: 17,
    inputs: { x: ['N', 4] },
    constants: { w: { dims: [4, 3], values: W }, axes: { dims: [1], values: [1], type: 'int64' } },
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] },
      { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'ReduceSum', inputs: ['r', 'axes'], outputs: ['y'] },
    ],
    outputs: ['y'],
  });
  if (!declareH) return bytes;
  const model = decodeModel(bytes);
  model.graph?.valueInfo?.push(onnx.ValueInfoProto.create(declareH));
  return encodeModel(model);
}

const hOf = (input: Float32Array): number[] => [0, 1, 2].map((j) => input.reduce((s, v, i) => s + v * (W[i * 3 + j] as number), 0));

describe('exposeTensor: an intermediate tensor as an extra output', () => {
  it('adds the tensor last, with the shape inferred (the open batch kept open), and it computes h = x·W', async () => {
    const model = exposeTensor(mlp(), 'h');
    const added = model.graph?.output?.at(-1);
    expect(added?.name).toBe('h');
    expect(added?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 3]);
    const outputs = await runModel(runtimes.node, encodeModel(model), feedsOf(runtimes.node, { x: { data: x, dims: [1, 4] } }));
    Array.from(outputs['h']?.data as Float32Array).forEach((v, j) => expect(v).toBeCloseTo(hOf(x)[j] as number, 6));
  });

  it('copies a declared type and shape, and leaves a model that already outputs the tensor unchanged', () => {
    const declared = {
      name: 'h',
      type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 3 }] } } },
    };
    const model = exposeTensor(mlp(declared), 'h');
    expect(model.graph?.output?.at(-1)?.type?.tensorType?.shape?.dim?.[0]?.dimParam).toBe('batch');
    expect(exposeTensor(mlp(), 'y').graph?.output?.map((o) => o.name)).toEqual(['y']);
  });

  it('refuses a name no node computes and an integer tensor, naming them', () => {
    expect(() => exposeTensor(mlp(), 'nothing')).toThrow(InvalidModelError);
    expect(() => exposeTensor(mlp(), 'nothing')).toThrow(/"nothing" is neither an output of the graph \(y\) nor a tensor that one of its nodes computes/);
    const int = { name: 'h', type: { tensorType: { elemType: onnx.TensorProto.DataType.INT64 } } };
    expect(() => exposeTensor(mlp(int), 'h')).toThrow(/tensor "h" is INT64; only a float tensor can be explained/);
  });

  it('neuron attribution: IG of h_j from a zero baseline is W[i, j]·x_i (h is linear in x)', async () => {
    const backend = await onnxBackend(encodeModel(exposeTensor(mlp(), 'h')), { output: 'h' });
    try {
      for (const j of [0, 2]) {
        const result = await integratedGradients(backend, { data: x, shape: [1, 4] }, { target: j, steps: 4 });
        const attributions = result.attributions[0]?.data as Float32Array;
        attributions.forEach((v, i) => expect(v).toBeCloseTo((W[i * 3 + j] as number) * (x[i] as number), 6));
      }
    } finally {
      await backend.dispose();
    }
  });
});

describe('an intermediate tensor named as the output without exposeTensor', () => {
  it('is refused with the way to explain it', async () => {
    await expect(onnxBackend(mlp(), { output: 'h' })).rejects.toThrow(
      /output "h" is not an output of the graph \(outputs: y\); it is an intermediate tensor: explain it through exposeTensor\(model, "h"\)/,
    );
  });
});

describe('listTensors: what --layer and --output can name', () => {
  it('lists the tensors the nodes compute, not the outputs, with the shape for one example', () => {
    expect(listTensors(mlp())).toEqual([
      { name: 'h', opType: 'MatMul', node: 'MatMul_0', type: 'float', shape: [1, 3] },
      { name: 'r', opType: 'Relu', node: 'Relu_1', type: 'float', shape: [1, 3] },
    ]);
  });

  it('gives every shape static inference can reach, past an op it cannot, as onnxruntime computes them', async () => {
    // Pad, ConstantOfShape (an initial state) and an LSTM, then TopK, which static inference does not cover.
    const bytes = makeModel({
      opset: 17,
      inputs: { x: ['N', 6, 4] },
      constants: {
        pads: { dims: [6], values: [0, 1, 0, 0, 2, 0], type: 'int64' },
        w: { dims: [1, 8, 4], values: Array.from({ length: 32 }, (_, i) => Math.sin(i)) },
        r: { dims: [1, 8, 2], values: Array.from({ length: 16 }, (_, i) => Math.cos(i)) },
        stateShape: { dims: [3], values: [1, 1, 2], type: 'int64' },
        k: { dims: [1], values: [2], type: 'int64' },
      },
      nodes: [
        { op: 'Pad', inputs: ['x', 'pads'], outputs: ['padded'] },
        { op: 'Transpose', inputs: ['padded'], outputs: ['steps'], attributes: { perm: { ints: [1, 0, 2] } } },
        { op: 'ConstantOfShape', inputs: ['stateShape'], outputs: ['h0'] },
        { op: 'LSTM', inputs: ['steps', 'w', 'r', '', '', 'h0'], outputs: ['y', 'h', 'c'], attributes: { hidden_size: { int: 2 } } },
        { op: 'TopK', inputs: ['y', 'k'], outputs: ['top', 'where'] },
        { op: 'Relu', inputs: ['top'], outputs: ['out'] },
      ],
      outputs: ['out'],
    });
    const listed = new Map(listTensors(bytes).map((t) => [t.name, t.shape]));
    const probed = await inferShapes(runtimes.node, bytes, { x: new runtimes.node.Tensor('float32', new Float32Array(24), [1, 6, 4]) });
    for (const name of ['padded', 'steps', 'h0', 'y', 'h', 'c']) expect(listed.get(name), name).toEqual(probed.shapes.get(name));
    expect(listed.get('padded')).toEqual([1, 9, 4]);
    // TopK's outputs are not inferred, and nothing after them is guessed.
    expect(listed.get('top')).toBeNull();
  });
});
