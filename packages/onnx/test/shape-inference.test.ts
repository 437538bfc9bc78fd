import { describe, expect, it } from 'vitest';
import { captumModelBytes } from '@ig/test-fixtures';
import { decodeModel, inferFacts, inferShapes, upgradeModel } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';

/** A torch-style export: a ceil-mode pool, shape arithmetic feeding a Reshape, Flatten, Gemm, Softmax. */
const torchStyle = makeModel({
  opset: 13,
  inputs: { x: ['n', 2, 7, 7] },
  constants: {
    w: { dims: [4, 2, 3, 3], values: Array.from({ length: 72 }, (_, i) => ((i % 7) - 3) / 5) },
    zero: { dims: [1], values: [0], type: 'int64' },
    minusOne: { dims: [1], values: [-1], type: 'int64' },
    fc: { dims: [3, 36], values: Array.from({ length: 108 }, (_, i) => ((i % 5) - 2) / 7) },
    axes: { dims: [1], values: [0], type: 'int64' },
  },
  nodes: [
    { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], attributes: { pads: { ints: [1, 1, 1, 1] } } },
    { op: 'Relu', inputs: ['c'], outputs: ['r'] },
    { op: 'MaxPool', inputs: ['r'], outputs: ['p'], attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, ceil_mode: { int: 1 } } },
    { op: 'Shape', inputs: ['p'], outputs: ['s'] },
    { op: 'Gather', inputs: ['s', 'zero'], outputs: ['batch'], attributes: { axis: { int: 0 } } },
    { op: 'Concat', inputs: ['batch', 'minusOne'], outputs: ['target'], attributes: { axis: { int: 0 } } },
    { op: 'Reshape', inputs: ['p', 'target'], outputs: ['flat'] },
    { op: 'Gemm', inputs: ['flat', 'fc'], outputs: ['logits'], attributes: { transB: { int: 1 } } },
    { op: 'Softmax', inputs: ['logits'], outputs: ['y'], attributes: { axis: { int: 1 } } },
  ],
  outputs: ['y'],
});

/** Every tensor's shape, type and integer values that static inference gives, against a probe run. */
async function expectSameAsProbe(bytes: Uint8Array, input: string, pointShape: readonly number[], batch: number): Promise<void> {
  const model = upgradeModel(bytes);
  const shape = [batch, ...pointShape];
  const inferred = inferFacts(model, new Map([[input, shape]]));
  expect(inferred).not.toBeNull();
  const data = uniform(
    rng(batch),
    shape.reduce((a, b) => a * b, 1),
  );
  const probed = await inferShapes(runtimes.node, bytes, { [input]: new runtimes.node.Tensor('float32', data, shape) });
  const nodeOutputs = (model.graph?.node ?? []).flatMap((n) => n.output ?? []).filter(Boolean);
  expect(nodeOutputs.length).toBeGreaterThan(0);
  for (const name of nodeOutputs) {
    expect(inferred?.shapes.get(name), name).toEqual(probed.shapes.get(name));
    expect(inferred?.dataTypes.get(name), name).toBe(probed.dataTypes.get(name));
    const type = probed.dataTypes.get(name);
    if (type === 7 || type === 6) expect(inferred?.values.get(name), name).toEqual(probed.values.get(name));
  }
}

describe('static shape inference agrees with a probe run', () => {
  for (const batch of [1, 6, 16]) {
    it(`the Captum MLP and CNN and a torch-style export at batch ${batch}`, async () => {
      await expectSameAsProbe(captumModelBytes('iris_mlp'), 'input', [4], batch);
      const cnn = captumModelBytes('small_cnn');
      const cnnInput = decodeModel(cnn).graph?.input?.[0];
      const point = (cnnInput?.type?.tensorType?.shape?.dim ?? []).slice(1).map((d) => Number(d.dimValue));
      await expectSameAsProbe(cnn, cnnInput?.name ?? '', point, batch);
      await expectSameAsProbe(torchStyle, 'x', [2, 7, 7], batch);
    });
  }

  it('declines an op it does not cover, so the backend probes instead', () => {
    const model = makeModel({
      opset: 13,
      inputs: { x: ['n', 3] },
      nodes: [
        { op: 'NonZero', inputs: ['x'], outputs: ['i'] },
        { op: 'Relu', inputs: ['x'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    expect(inferFacts(decodeModel(model), new Map([['x', [2, 3]]]))).toBeNull();
  });
});
