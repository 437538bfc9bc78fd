import { describe, expect, it } from 'vitest';
import { buildContextualDecompositionModel, createContextualDecomposition, decodeModel, encodeModel, onnx } from '../src/index.js';
import { DataType } from '../src/proto/tensor.js';
import { makeModel } from './helpers/model.js';
import { runModel, runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';

const ort = runtimes.node;
const STEPS = 5;
const FEATURES = 4;
const HIDDEN = 3;
const random = rng(11);

/**
 * x [N, 5, 4] → Transpose → LSTM → the last hidden state [N, 3], as PyTorch exports a batch-first
 * LSTM: nothing states X's sequence length but what static inference derives from x's shape.
 * With `sequence` open, the length follows the input and stays unknown.
 */
function lstmModel(sequence: number | string): Uint8Array {
  return makeModel({
    opset: 17,
    inputs: { x: ['N', sequence, FEATURES] },
    constants: {
      w: { dims: [1, 4 * HIDDEN, FEATURES], values: Array.from(uniform(random, 4 * HIDDEN * FEATURES, -0.6, 0.6)) },
      r: { dims: [1, 4 * HIDDEN, HIDDEN], values: Array.from(uniform(random, 4 * HIDDEN * HIDDEN, -0.6, 0.6)) },
      b: { dims: [1, 8 * HIDDEN], values: Array.from(uniform(random, 8 * HIDDEN, -0.3, 0.3)) },
      zero: { dims: [1], values: [0], type: 'int64' },
    },
    nodes: [
      { op: 'Transpose', inputs: ['x'], outputs: ['xt'], attributes: { perm: { ints: [1, 0, 2] } } },
      { op: 'LSTM', inputs: ['xt', 'w', 'r', 'b'], outputs: ['y', 'h_last'], attributes: { hidden_size: { int: HIDDEN } } },
      { op: 'Squeeze', inputs: ['h_last', 'zero'], outputs: ['h'] },
    ],
    outputs: ['h'],
  });
}

/** The same model with X's shape written into its value_info, as the decomposition read it before. */
function withDeclaredX(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes);
  model.graph?.valueInfo?.push(
    onnx.ValueInfoProto.create({
      name: 'xt',
      type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: STEPS }, { dimParam: 'N' }, { dimValue: FEATURES }] } } },
    }),
  );
  return encodeModel(model);
}

describe('contextual decomposition where only static inference states the sequence length', () => {
  it('decomposes a batch-first LSTM export exactly as when the length is declared, and the parts add up to the output', async () => {
    const bytes = lstmModel(STEPS);
    const x = Float32Array.from(uniform(random, STEPS * FEATURES, -1, 1));
    // Masks: the first two steps, the last step, every step.
    const masks = new Float32Array(3 * STEPS * FEATURES);
    masks.fill(1, 0, 2 * FEATURES);
    masks.fill(1, 2 * STEPS * FEATURES - FEATURES, 2 * STEPS * FEATURES);
    masks.fill(1, 2 * STEPS * FEATURES);
    const parts = async (model: Uint8Array) => {
      const cd = await createContextualDecomposition(ort, 'onnxruntime-node', model);
      const result = await cd.decompose(x, [STEPS, FEATURES], masks, 3);
      await cd.dispose();
      return result;
    };
    const inferred = await parts(bytes);
    const declared = await parts(withDeclaredX(bytes));
    expect(Array.from(inferred.relevant)).toEqual(Array.from(declared.relevant));
    expect(Array.from(inferred.irrelevant)).toEqual(Array.from(declared.irrelevant));
    const h = (await runModel(ort, bytes, { x: new ort.Tensor('float32', x, [1, STEPS, FEATURES]) })).h?.data as Float32Array;
    let identity = 0;
    for (let k = 0; k < 3; k++)
      for (let j = 0; j < HIDDEN; j++)
        identity = Math.max(
          identity,
          Math.abs((inferred.relevant[k * HIDDEN + j] as number) + (inferred.irrelevant[k * HIDDEN + j] as number) - (h[j] as number)),
        );
    // Measured 3.0e-8 on hidden states up to 0.15.
    expect(identity).toBeLessThan(1.5e-7);
  });

  it('still refuses an LSTM whose sequence length follows an open input dimension, naming X', () => {
    expect(() => buildContextualDecompositionModel(lstmModel('T'))).toThrow(/the sequence length of X \("xt"\) is not stated in the model/);
  });
});
