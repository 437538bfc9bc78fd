import { describe, expect, it } from 'vitest';
import { integratedGradients } from '@ig/core';
import { buildGradientModel, createOnnxBackend, DataType, decodeModel, encodeModel, InvalidModelError, onnx } from '../src/index.js';
import { loweredTypesOf } from '../src/graph/precision.js';
import { runtimes } from './helpers/ort.js';

const W = [0.5, -1.25, 2, 0.75, -0.5, 1.5];
const SCALE = 1.5;

/** Half-precision bits of values exactly representable in float16 (the test's weights). */
function halfBits(value: number): number {
  if (value === 0) return 0;
  const sign = value < 0 ? 0x8000 : 0;
  const exponent = Math.floor(Math.log2(Math.abs(value)));
  const fraction = Math.round((Math.abs(value) / 2 ** exponent - 1) * 1024);
  return sign | ((exponent + 15) << 10) | fraction;
}

function floatTensor(name: string, dims: number[], dataType: number, values: readonly number[]): onnx.TensorProto {
  if (dataType === DataType.DOUBLE) return onnx.TensorProto.create({ name, dims, dataType, doubleData: [...values] });
  return onnx.TensorProto.create({ name, dims, dataType, rawData: new Uint8Array(Uint16Array.from(values, halfBits).buffer) });
}

/**
 * y = Cast<double>(Relu(x·W) · c) with x, W and the Constant c in `dataType`: an input, an
 * initializer, a Constant node, a declared value type and a Cast target to lower.
 */
function modelIn(dataType: number): Uint8Array {
  const info = (name: string, elemType: number, dims: (number | string)[]): onnx.ValueInfoProto =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
    });
  const graph = onnx.GraphProto.create({
    name: 'mixed-precision',
    input: [info('x', dataType, ['n', 3])],
    output: [info('y', DataType.DOUBLE, ['n', 2])],
    valueInfo: [info('h', dataType, ['n', 2])],
    initializer: [floatTensor('W', [3, 2], dataType, W)],
    node: [
      onnx.NodeProto.create({ opType: 'MatMul', input: ['x', 'W'], output: ['h'], name: 'matmul' }),
      onnx.NodeProto.create({ opType: 'Relu', input: ['h'], output: ['r'], name: 'relu' }),
      onnx.NodeProto.create({
        opType: 'Constant',
        output: ['c'],
        name: 'scale',
        attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: floatTensor('', [], dataType, [SCALE]) }],
      }),
      onnx.NodeProto.create({ opType: 'Mul', input: ['r', 'c'], output: ['m'], name: 'mul' }),
      onnx.NodeProto.create({
        opType: 'Cast',
        input: ['m'],
        output: ['y'],
        name: 'cast',
        attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.DOUBLE }],
      }),
    ],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph }));
}

/** ∂(Σ_j seed_j · y_j)/∂x_k = Σ_j seed_j · c · [h_j > 0] · W_kj for one row x. */
function expectedGradient(x: readonly number[], seed: readonly number[]): number[] {
  const h = [0, 1].map((j) => x.reduce((sum, xk, k) => sum + xk * (W[k * 2 + j] as number), 0));
  return [0, 1, 2].map((k) => [0, 1].reduce((sum, j) => sum + ((h[j] as number) > 0 ? (seed[j] as number) * SCALE * (W[k * 2 + j] as number) : 0), 0));
}

describe('float64 and float16 models are differentiated in float32', () => {
  for (const [label, dataType] of [
    ['float64', DataType.DOUBLE],
    ['float16', DataType.FLOAT16],
  ] as const) {
    it(`${label}: the gradient model is all float32 and its gradients equal the closed form`, async () => {
      const bytes = modelIn(dataType);
      expect(loweredTypesOf(decodeModel(bytes)).sort()).toEqual(label === 'float64' ? ['DOUBLE'] : ['DOUBLE', 'FLOAT16']);
      const built = buildGradientModel(bytes, { facts: { shapes: new Map([['x', [2, 3]]]) } });
      expect(loweredTypesOf(built.model)).toEqual([]);

      const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes);
      const x = [0.4, -0.3, 0.8, -0.6, 0.2, 0.1];
      const seed = [0.7, -1.1, 1.3, 0.9];
      const response = await backend.gradients({ points: [Float32Array.from(x)], pointShapes: [[3]], count: 2, outputWeights: Float32Array.from(seed) });
      for (let n = 0; n < 2; n++) {
        const expected = expectedGradient(x.slice(n * 3, n * 3 + 3), seed.slice(n * 2, n * 2 + 2));
        // Measured at most 1.4e-7 (float32 products of the weights); 6e-7 is 4× it, rounded up.
        expected.forEach((value, k) => expect(Math.abs((response.gradients[0]?.[n * 3 + k] as number) - value)).toBeLessThan(6e-7));
      }
      // Completeness on the lowered model: the target's unit stays active along the path, so y is linear there.
      const result = await integratedGradients(backend, { data: Float32Array.from(x.slice(0, 3)), shape: [1, 3] }, { target: 1, steps: 64 });
      // Measured 3.4e-7 (float32 rounding only: the path is linear); 2e-6 is 4× it, rounded up.
      expect(result.reports[0]?.relativeError).toBeLessThan(2e-6);
      await backend.dispose();
    });
  }

  it('a model without a float input is refused with a typed error', async () => {
    const bytes = modelIn(DataType.DOUBLE);
    const model = decodeModel(bytes);
    const input = model.graph?.input?.[0];
    if (input?.type?.tensorType) input.type.tensorType.elemType = DataType.INT32;
    await expect(createOnnxBackend(runtimes.node, 'onnxruntime-node', encodeModel(model))).rejects.toThrow(InvalidModelError);
    await expect(createOnnxBackend(runtimes.node, 'onnxruntime-node', encodeModel(model))).rejects.toThrow(/no float input/);
  });
});
