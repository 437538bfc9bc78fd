import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  buildGradientModel,
  createOnnxBackend,
  decodeModel,
  encodeModel,
  inferShapes,
  onnx,
  prepareModel,
  UnknownShapeError,
  UnsupportedOpError,
  type AttributeValue,
  type OrtTensorLike,
} from '../src/index.js';
import { withFacts } from '../src/model/working-copy.js';
import { supportRefusal } from './helpers/support-refusal.js';
import { makeModel } from './helpers/model.js';
import { runModel, runtimes } from './helpers/ort.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

const [SEQ, BATCH, INPUT, HIDDEN] = [5, 2, 3, 4];

/** One LSTM node over x [SEQ, BATCH, INPUT] with seeded weights, writing y and y_h. */
function lstm(attributes: Record<string, AttributeValue>, x: readonly (number | string)[] = [SEQ, BATCH, INPUT]): Uint8Array {
  const random = rng(3);
  const weights = (dims: number[]): { dims: number[]; values: number[] } => ({
    dims,
    values: Array.from(
      uniform(
        random,
        dims.reduce((a, b) => a * b, 1),
        -0.5,
        0.5,
      ),
    ),
  });
  return makeModel({
    opset: 13,
    inputs: { x },
    constants: { w: weights([1, 4 * HIDDEN, INPUT]), r: weights([1, 4 * HIDDEN, HIDDEN]) },
    nodes: [{ op: 'LSTM', inputs: ['x', 'w', 'r'], outputs: ['y', 'y_h'], attributes: { hidden_size: { int: HIDDEN }, ...attributes } }],
    outputs: ['y_h'],
  });
}

const refused = (bytes: Uint8Array): UnsupportedOpError => supportRefusal(bytes);

describe('recurrent nodes the unrolling refuses, with a typed error naming the node and attribute', () => {
  it.each([
    [
      'an activation outside the spec',
      { activations: { strings: ['Sigmoid', 'Gelu', 'Tanh'] } },
      /LSTM \(opset 13\) node "LSTM_0": attribute activations: activation "gelu" is not supported/,
    ],
    [
      'the wrong number of activations',
      { activations: { strings: ['Sigmoid', 'Tanh'] } },
      /node "LSTM_0": attribute activations has 2 entries; LSTM with 1 direction\(s\) takes 3/,
    ],
    ['an unknown direction', { direction: { string: 'sideways' } }, /node "LSTM_0": attribute direction "sideways"/],
    ['a layout other than 0 or 1', { layout: { int: 2 } }, /node "LSTM_0": attribute layout 2 is not 0 or 1/],
    ['a clip that is not positive', { clip: { float: -1 } }, /node "LSTM_0": attribute clip -1 is not positive/],
  ] as const)('%s: before anything runs, and when a graph is built', (_name, attributes, message) => {
    const bytes = lstm(attributes as Record<string, AttributeValue>);
    const error = refused(bytes);
    expect(error.message).toMatch(message);
    expect(error.opTypes).toEqual(['LSTM']);
    // Building bypasses the check: the unrolling refuses the node itself.
    expect(() => buildGradientModel(bytes)).toThrow(UnsupportedOpError);
    expect(() => buildGradientModel(bytes)).toThrow(message);
  });

  it('the backend refuses the model before it opens a session', async () => {
    const bytes = lstm({ activations: { strings: ['Sigmoid', 'Tanh', 'Swish'] } });
    await expect(createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes)).rejects.toThrow(/attribute activations: activation "swish" is not supported/);
  });

  it('an unknown sequence length names the input whose shape is needed', () => {
    expect(() => buildGradientModel(lstm({}, ['seq', BATCH, INPUT]))).toThrow(UnknownShapeError);
    expect(() => buildGradientModel(lstm({}, ['seq', BATCH, INPUT]))).toThrow(/"x"/);
  });
});

describe('sequence_lens fed at run time', () => {
  it('the unrolled graph reads the lengths it is fed (outputs equal the kernel for two sets of lengths)', async () => {
    const model = decodeModel(
      lstm({ direction: { string: 'bidirectional' }, activations: { strings: ['Sigmoid', 'Tanh', 'Tanh', 'Sigmoid', 'Tanh', 'Tanh'] } }),
    );
    const graph = model.graph as onnx.GraphProto;
    const node = graph.node[0] as onnx.NodeProto;
    // Bidirectional weights: the forward direction's twice.
    for (const name of ['w', 'r']) {
      const tensor = graph.initializer.find((t) => t.name === name) as onnx.TensorProto;
      tensor.dims = [2, ...tensor.dims.slice(1).map(Number)];
      tensor.rawData = new Uint8Array([...tensor.rawData, ...tensor.rawData]);
    }
    node.input = ['x', 'w', 'r', '', 'lens'];
    graph.input.push(onnx.ValueInfoProto.create({ name: 'lens', type: { tensorType: { elemType: 6, shape: { dim: [{ dimValue: BATCH }] } } } }));
    graph.output = [onnx.ValueInfoProto.create({ name: 'y' }), onnx.ValueInfoProto.create({ name: 'y_h' })];
    const bytes = encodeModel(model);
    const ort = runtimes.node;
    const x = new ort.Tensor('float32', uniform(rng(5), SEQ * BATCH * INPUT), [SEQ, BATCH, INPUT]);
    const unrolled = async (lens: number[]): Promise<number> => {
      const feeds: Record<string, OrtTensorLike> = { x, lens: new ortNode.Tensor('int32', Int32Array.from(lens), [BATCH]) };
      const facts = await inferShapes(ort, bytes, feeds);
      const lowered = encodeModel(withFacts(prepareModel(bytes), facts).model);
      const [want, have] = [await runModel(ort, bytes, feeds), await runModel(ort, lowered, feeds)];
      let worst = 0;
      for (const name of ['y', 'y_h']) {
        const a = want[name]?.data as Float32Array;
        const b = have[name]?.data as Float32Array;
        expect(maxAbs(a)).toBeGreaterThan(0.01);
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
      }
      return worst;
    };
    // As the forms measured (test/fixtures/recurrent/tolerances.json: at most 1.8e-7).
    expect(await unrolled([5, 2])).toBeLessThan(3e-7);
    expect(await unrolled([1, 4])).toBeLessThan(3e-7);
  });
});
