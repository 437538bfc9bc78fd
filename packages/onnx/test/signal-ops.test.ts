import { describe, expect, it } from 'vitest';
import type { UnsupportedOpError } from '../src/index.js';
import { buildGradientModel } from '../src/index.js';
import { supportRefusal } from './helpers/support-refusal.js';
import { makeModel, type ConstantSpec, type ModelSpec } from './helpers/model.js';
import { gradientOf, runtimes } from './helpers/ort.js';
import { int, ints, node } from './op-cases/case.js';

const i64 = (values: number[], dims: number[] = []): ConstantSpec => ({ dims, values, type: 'int64' });

const oneNode = (
  opset: number,
  op: string,
  inputs: ModelSpec['inputs'],
  nodeInputs: string[],
  attributes = {},
  constants: ModelSpec['constants'] = {},
): ModelSpec => ({
  opset,
  inputs,
  constants,
  nodes: [node(op, nodeInputs, ['y'], attributes)],
  outputs: ['y'],
});

// The integer scalars computed in the graph ("n", "a") have no declared shape: given here, as a probe would.
const scalarShapes = {
  shapes: new Map([
    ['n', []],
    ['a', []],
  ] as const),
};

function refusal(spec: ModelSpec): UnsupportedOpError {
  return supportRefusal(makeModel(spec), (bytes) => buildGradientModel(bytes, { facts: scalarShapes }));
}

describe('signal and sequence forms the lowering refuses, with a typed error naming node and form', () => {
  it.each([
    ['a one-sided forward DFT of complex input', oneNode(17, 'DFT', { x: [1, 4, 2] }, ['x'], { onesided: int(1) }), 'DFT_0', 'needs real input'],
    [
      'a one-sided inverse DFT of real input',
      oneNode(17, 'DFT', { x: [1, 4, 1] }, ['x'], { onesided: int(1), inverse: int(1) }),
      'DFT_0',
      'needs complex input',
    ],
    [
      'a one-sided inverse DFT whose length reads other bins than the input has (onnxruntime departs from the spec there)',
      oneNode(17, 'DFT', { x: [1, 4, 2] }, ['x', 'n'], { onesided: int(1), inverse: int(1) }, { n: i64([8]) }),
      'DFT_0',
      'reads 5 bins, and the input has 4',
    ],
    ['an input whose last axis is not 1 or 2', oneNode(17, 'DFT', { x: [1, 4, 3] }, ['x']), 'DFT_0', 'last axis has length 3'],
    ['the axis on the parts', oneNode(20, 'DFT', { x: [1, 4, 2] }, ['x', '', 'a'], {}, { a: i64([-1]) }), 'DFT_0', 'axis -1 is outside'],
    ['a dft_length that is not a scalar', oneNode(17, 'DFT', { x: [1, 4, 1] }, ['x', 'len'], {}, { len: i64([4], [1]) }), 'DFT_0', 'must be a scalar'],
    [
      'a dft_length computed in the graph',
      {
        opset: 17,
        inputs: { x: [1, 4, 1], f: [] },
        nodes: [node('Cast', ['f'], ['n'], { to: int(7) }), node('DFT', ['x', 'n'], ['y'])],
        outputs: ['y'],
      },
      'DFT_1',
      'dft_length (input 1, "n") must be a constant',
    ],
    [
      'an axis computed in the graph (opset 20)',
      {
        opset: 20,
        inputs: { x: [1, 4, 1], f: [] },
        nodes: [node('Cast', ['f'], ['a'], { to: int(7) }), node('DFT', ['x', '', 'a'], ['y'])],
        outputs: ['y'],
      },
      'DFT_1',
      'axis (input 2, "a") must be a constant',
    ],
    [
      'a complex STFT signal (onnxruntime computes no spec transform of it)',
      oneNode(17, 'STFT', { s: [1, 8, 2], w: [4] }, ['s', 'step', 'w'], { onesided: int(0) }, { step: i64([2]) }),
      'STFT_0',
      'covers real signals',
    ],
    [
      'an STFT without window or frame_length',
      oneNode(17, 'STFT', { s: [1, 8, 1] }, ['s', 'step'], {}, { step: i64([2]) }),
      'STFT_0',
      'neither a window nor frame_length',
    ],
    [
      'an STFT frame longer than the signal',
      oneNode(17, 'STFT', { s: [1, 8, 1] }, ['s', 'step', '', 'n'], {}, { step: i64([2]), n: i64([9]) }),
      'STFT_0',
      'at most the signal',
    ],
    ['an LpPool with p 0', oneNode(11, 'LpPool', { x: [1, 1, 6] }, ['x'], { kernel_shape: ints([2]), p: int(0) }), 'LpPool_0', 'p is 0'],
    [
      'sequence lengths beyond the time axis',
      oneNode(11, 'ReverseSequence', { x: [4, 2] }, ['x', 'lens'], {}, { lens: i64([2, 5], [2]) }),
      'ReverseSequence_0',
      'sequence_lens[1] is 5',
    ],
  ] as const)('%s', (_name, spec, nodeName, reason) => {
    const error = refusal(spec);
    expect(error.message).toContain(`node "${nodeName}"`);
    expect(error.message).toContain(reason);
  });
});

describe('a refused form off the differentiated path', () => {
  it('leaves the node as it is and builds and runs the gradient of the rest', async () => {
    const spec: ModelSpec = {
      opset: 17,
      inputs: { x: [2, 3], z: [1, 4, 1], f: [] },
      nodes: [node('Tanh', ['x'], ['y']), node('Cast', ['f'], ['n'], { to: int(7) }), node('DFT', ['z', 'n'], ['spectrum'])],
      outputs: ['y', 'spectrum'],
    };
    const bytes = makeModel(spec);
    expect(() => buildGradientModel(bytes, { inputs: ['z'], output: 'spectrum', facts: scalarShapes })).toThrow(
      /DFT \(opset 17\) node "DFT_2": dft_length \(input 1, "n"\) must be a constant/,
    );
    const x = Float32Array.from([0.1, -0.4, 0.7, 1.2, -0.9, 0.3]);
    const feeds = {
      x: { data: x, dims: [2, 3] },
      z: { data: Float32Array.from([1, 2, 3, 4]), dims: [1, 4, 1] },
      f: { data: Float32Array.from([4]), dims: [] },
    };
    const run = await gradientOf(runtimes.node, bytes, feeds, (n) => new Float32Array(n).fill(1), { inputs: ['x'], output: 'y' });
    expect(Array.from(run.gradients.x as Float32Array)).toEqual(Array.from(x, (v) => expect.closeTo(1 - Math.tanh(v) ** 2, 6)));
  });
});

describe('LpPool where a window is all zeros', () => {
  // The p-norm has no gradient at 0; the lowering gives 0 there, as PyTorch's LPPool does
  // (LPPool1d(2, 2) on [0, 0, 0.5, −1]: gradient [0, 0, 0.4472, −0.8944]), never NaN.
  it.each([
    ['LpPool p 2', oneNode(11, 'LpPool', { x: [1, 1, 4] }, ['x'], { kernel_shape: ints([2]), strides: ints([2]) })],
    ['LpPool p 3', oneNode(18, 'LpPool', { x: [1, 1, 4] }, ['x'], { kernel_shape: ints([2]), strides: ints([2]), p: int(3) })],
    ['GlobalLpPool p 2', oneNode(11, 'GlobalLpPool', { x: [1, 2, 2] }, ['x'])],
  ] as const)('%s', async (name, spec) => {
    const data = name.startsWith('Global') ? [0, 0, 0.5, -1] : [0, 0, 0.5, -1];
    const run = await gradientOf(runtimes.node, makeModel(spec), { x: { data: Float32Array.from(data), dims: spec.inputs.x as number[] } }, (n) =>
      new Float32Array(n).fill(1),
    );
    const p = name.includes('p 3') ? 3 : 2;
    // ∂‖v‖_p/∂v_i = sign(v_i)·|v_i|^(p−1) / ‖v‖_p^(p−1) for the window (0.5, −1).
    const norm = (0.5 ** p + 1) ** (1 / p);
    const expected = [0, 0, 0.5 ** (p - 1) / norm ** (p - 1), -1 / norm ** (p - 1)];
    expect(Array.from(run.gradients.x as Float32Array)).toEqual(expected.map((v) => expect.closeTo(v, 6)));
  });
});
