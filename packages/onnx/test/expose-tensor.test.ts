import { describe, expect, it } from 'vitest';
import { integratedGradients } from '@ig/core';
import { onnxBackend } from '../src/node.js';
import { decodeModel, encodeModel, exposeTensor, InvalidModelError, listTensors, onnx } from '../src/index.js';
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
});
