import { describe, expect, it } from 'vitest';
import { makeModel } from './helpers/model.js';
import { gradientOf, runtimes } from './helpers/ort.js';

const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

// PyTorch's conventions where the derivative is undefined (the manifest's `conventions`).
describe('gradient conventions at kinks match PyTorch', () => {
  it('MaxPool: a tie sends the gradient to the first maximum of the window (row-major)', async () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: [1, 1, 4, 4] },
      nodes: [{ op: 'MaxPool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } }],
      outputs: ['y'],
    });
    const run = await gradientOf(runtimes.node, bytes, { x: { data: new Float32Array(16).fill(3), dims: [1, 1, 4, 4] } }, ones);
    expect(Array.from(run.gradients.x as Float32Array)).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('MaxPool with overlapping windows and padding: ties resolve per window, padding never wins', async () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: [1, 1, 1, 3] },
      nodes: [{ op: 'MaxPool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: { ints: [1, 2] }, strides: { ints: [1, 1] }, pads: { ints: [0, 1, 0, 1] } } }],
      outputs: ['y'],
    });
    // Windows: [pad, a], [a, b], [b, c], [c, pad] over x = [−1, −1, −1]; each picks its first real element.
    const run = await gradientOf(runtimes.node, bytes, { x: { data: Float32Array.from([-1, -1, -1]), dims: [1, 1, 1, 3] } }, ones);
    expect(Array.from(run.gradients.x as Float32Array)).toEqual([2, 1, 1]);
  });

  it('GlobalMaxPool: the first maximum takes the gradient', async () => {
    const bytes = makeModel({ opset: 13, inputs: { x: [1, 2, 2, 2] }, nodes: [{ op: 'GlobalMaxPool', inputs: ['x'], outputs: ['y'] }], outputs: ['y'] });
    const run = await gradientOf(runtimes.node, bytes, { x: { data: Float32Array.from([5, 5, 1, 5, 0, 2, 2, 1]), dims: [1, 2, 2, 2] } }, ones);
    expect(Array.from(run.gradients.x as Float32Array)).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it("relu'(0) = 0, ReLU6 (Clip 0..6) is 0 at exactly 0 and 6, LeakyRelu uses its slope at 0", async () => {
    const x = Float32Array.from([-1, 0, 0.5, 6, 7]);
    const relu = makeModel({ opset: 13, inputs: { x: [5] }, nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }], outputs: ['y'] });
    expect(Array.from((await gradientOf(runtimes.node, relu, { x: { data: x, dims: [5] } }, ones)).gradients.x as Float32Array)).toEqual([0, 0, 1, 1, 1]);
    const relu6 = makeModel({
      opset: 13,
      inputs: { x: [5] },
      constants: { lo: { dims: [], values: [0] }, hi: { dims: [], values: [6] } },
      nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }],
      outputs: ['y'],
    });
    expect(Array.from((await gradientOf(runtimes.node, relu6, { x: { data: x, dims: [5] } }, ones)).gradients.x as Float32Array)).toEqual([0, 0, 1, 0, 0]);
    const leaky = makeModel({ opset: 13, inputs: { x: [5] }, nodes: [{ op: 'LeakyRelu', inputs: ['x'], outputs: ['y'], attributes: { alpha: { float: 0.25 } } }], outputs: ['y'] });
    expect(Array.from((await gradientOf(runtimes.node, leaky, { x: { data: x, dims: [5] } }, ones)).gradients.x as Float32Array)).toEqual([0.25, 0.25, 1, 1, 1]);
  });
});
