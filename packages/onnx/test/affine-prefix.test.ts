import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { buildFusedModel, createOnnxBackend, inferShapes, InvalidModelError } from '../src/index.js';
import { makeModel, type ConstantSpec, type NodeSpec } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';
import { fusedGradientSum, pathCase, pointwiseGradientSum, POINT, POINT_SIZE } from './helpers/affine-path.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

// Folded and unfolded sums agree with the per-point sums to float32 rounding: measured at most
// 1.75e-7 × max|expected| over every comparison in this file; 8e-7 is 4× it, rounded up.
const TOLERANCE = 8e-7;

const ort = runtimes.node;
const random = rng(41);
const constant = (dims: readonly number[], low = -1, high = 1): ConstantSpec => ({
  dims,
  values: Array.from(
    uniform(
      random,
      dims.reduce((a, b) => a * b, 1),
      low,
      high,
    ),
  ),
});

/** Normalisation, a stride-2 convolution, batch normalization and a channel scale, then ReLU, a pool and a classifier. */
const stemNodes: NodeSpec[] = [
  { op: 'Sub', inputs: ['x', 'mean'], outputs: ['centred'] },
  { op: 'Div', inputs: ['centred', 'std'], outputs: ['scaled'] },
  { op: 'Conv', inputs: ['scaled', 'w', 'b'], outputs: ['conv'], attributes: { strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] } } },
  { op: 'BatchNormalization', inputs: ['conv', 'gamma', 'beta', 'runMean', 'runVar'], outputs: ['bn'] },
  { op: 'Mul', inputs: ['bn', 'channelScale'], outputs: ['stem'] },
  { op: 'Relu', inputs: ['stem'], outputs: ['r'] },
  { op: 'MaxPool', inputs: ['r'], outputs: ['p'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
  { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
  { op: 'Gemm', inputs: ['f', 'fc'], outputs: ['y'], attributes: { transB: { int: 1 } } },
];
const stemConstants: Record<string, ConstantSpec> = {
  mean: constant([1, 3, 1, 1], -0.2, 0.2),
  std: constant([1, 3, 1, 1], 0.5, 1.5),
  w: constant([4, 3, 3, 3]),
  b: constant([4]),
  gamma: constant([4], 0.5, 1.5),
  beta: constant([4]),
  runMean: constant([4]),
  runVar: constant([4], 0.5, 2),
  channelScale: constant([4, 1, 1], -2, 2),
  fc: constant([5, 16]),
};
const stem = makeModel({ opset: 13, inputs: { x: ['n', ...POINT] }, constants: stemConstants, nodes: stemNodes, outputs: ['y'] });

describe('affine prefix of the fused path graph', () => {
  it('applies the stem’s input gradient once per run and matches per-point gradients summed', async () => {
    const c = pathCase(5);
    const folded = await fusedGradientSum(stem, c, true);
    expect(folded.affinePrefix).toEqual(['Sub_0', 'Div_1', 'Conv_2', 'BatchNormalization_3', 'Mul_4']);
    const expected = await pointwiseGradientSum(stem, c);
    const scale = maxAbs(expected);
    expect(scale).toBeGreaterThan(0.1);
    folded.sum.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(TOLERANCE * scale));
    const unfolded = await fusedGradientSum(stem, c, false);
    expect(unfolded.affinePrefix).toEqual([]);
    unfolded.sum.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(TOLERANCE * scale));
  });

  it('stops at the first node that is not affine in the input with constant parameters', async () => {
    const c = pathCase(3);
    const cases: { name: string; nodes: NodeSpec[]; constants?: Record<string, ConstantSpec>; prefix: string[]; onePointModel?: false }[] = [
      {
        name: 'ReLU first',
        nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['x1'] }, { ...(stemNodes[2] as NodeSpec), inputs: ['x1', 'w', 'b'] }, ...stemNodes.slice(3)],
        prefix: [],
      },
      {
        name: 'no convolution',
        nodes: [
          ...stemNodes.slice(0, 2),
          { op: 'Relu', inputs: ['scaled'], outputs: ['s1'] },
          { ...(stemNodes[2] as NodeSpec), inputs: ['s1', 'w', 'b'] },
          ...stemNodes.slice(3),
        ],
        prefix: [],
      },
      {
        name: 'the input read twice',
        nodes: [{ op: 'Add', inputs: ['x', 'x'], outputs: ['xx'] }, { ...(stemNodes[2] as NodeSpec), inputs: ['xx', 'w', 'b'] }, ...stemNodes.slice(3)],
        prefix: [],
      },
      {
        name: 'an intermediate read by two nodes',
        nodes: [
          stemNodes[0] as NodeSpec,
          { ...(stemNodes[2] as NodeSpec), inputs: ['centred', 'w', 'b'] },
          { ...(stemNodes[2] as NodeSpec), inputs: ['centred', 'w', 'b'], outputs: ['conv2'] },
          { op: 'Add', inputs: ['conv', 'conv2'], outputs: ['bn'] },
          ...stemNodes.slice(4),
        ],
        prefix: [],
      },
      {
        name: 'the cut squared',
        nodes: [{ ...(stemNodes[2] as NodeSpec), inputs: ['x', 'w', 'b'] }, { op: 'Mul', inputs: ['conv', 'conv'], outputs: ['bn'] }, ...stemNodes.slice(4)],
        prefix: ['Conv_0'],
      },
      {
        name: 'a scale that differs per point',
        nodes: [{ op: 'Mul', inputs: ['x', 'perPoint'], outputs: ['xs'] }, { ...(stemNodes[2] as NodeSpec), inputs: ['xs', 'w', 'b'] }, ...stemNodes.slice(3)],
        constants: { perPoint: constant([3, 1, 1, 1]) },
        prefix: [],
        onePointModel: false,
      },
      {
        name: 'a convolution after ReLU',
        nodes: [{ ...(stemNodes[2] as NodeSpec), inputs: ['x', 'w', 'b'] }, { op: 'Relu', inputs: ['conv'], outputs: ['bn'] }, ...stemNodes.slice(4)],
        prefix: ['Conv_0'],
      },
    ];
    for (const k of cases) {
      const bytes = makeModel({ opset: 13, inputs: { x: ['n', ...POINT] }, constants: { ...stemConstants, ...k.constants }, nodes: k.nodes, outputs: ['y'] });
      const folded = await fusedGradientSum(bytes, c, true);
      expect(folded.affinePrefix, k.name).toEqual(k.prefix);
      if (k.onePointModel === false) continue;
      const expected = await pointwiseGradientSum(bytes, c);
      const scale = maxAbs(expected);
      folded.sum.forEach((v, i) => expect(Math.abs(v - (expected[i] as number)), k.name).toBeLessThan(TOLERANCE * scale));
    }
  });

  it('reads an NHWC input through a transpose that keeps the batch axis first', async () => {
    const c = pathCase(4);
    const nhwc = [9, 9, 3];
    const nodes: NodeSpec[] = [
      { op: 'Transpose', inputs: ['x'], outputs: ['nchw'], attributes: { perm: { ints: [0, 3, 1, 2] } } },
      { ...(stemNodes[2] as NodeSpec), inputs: ['nchw', 'w', 'b'] },
      ...stemNodes.slice(3),
    ];
    const bytes = makeModel({ opset: 13, inputs: { x: ['n', ...nhwc] }, constants: stemConstants, nodes, outputs: ['y'] });
    const folded = await fusedGradientSum(bytes, c, true, nhwc);
    expect(folded.affinePrefix).toEqual(['Transpose_0', 'Conv_1', 'BatchNormalization_2', 'Mul_3']);
    const expected = await pointwiseGradientSum(bytes, c, nhwc);
    const scale = maxAbs(expected);
    expect(scale).toBeGreaterThan(0.1);
    folded.sum.forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(TOLERANCE * scale));
    // A transpose that moves the batch axis ends the prefix before it.
    const swapped = makeModel({
      opset: 13,
      inputs: { x: [3, 'n', 9, 9] },
      constants: stemConstants,
      nodes: [{ op: 'Transpose', inputs: ['x'], outputs: ['nchw'], attributes: { perm: { ints: [1, 0, 2, 3] } } }, ...nodes.slice(1)],
      outputs: ['y'],
    });
    const steps = 3;
    const facts = await inferShapes(ort, swapped, { x: new ort.Tensor('float32', uniform(rng(2), steps * POINT_SIZE), [3, steps, 9, 9]) });
    expect(buildFusedModel(swapped, { steps, facts }).affinePrefix).toEqual([]);
  });

  it('folds a first dense layer (MatMul and bias, or Gemm) and keeps per-point weights out', async () => {
    const point = [6];
    const c = pathCase(4, 6);
    const tail: NodeSpec[] = [
      { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'Gemm', inputs: ['r', 'fc2'], outputs: ['y'], attributes: { transB: { int: 1 } } },
    ];
    const constants = {
      w1: constant([6, 8]),
      b1: constant([8]),
      fc1: constant([8, 6]),
      fc2: constant([5, 8]),
      perPoint: constant([4, 6, 8]),
      axis0: { dims: [1], values: [0], type: 'int64' as const },
    };
    const cases: { name: string; nodes: NodeSpec[]; prefix: string[] }[] = [
      {
        name: 'MatMul and bias',
        nodes: [{ op: 'MatMul', inputs: ['x', 'w1'], outputs: ['m'] }, { op: 'Add', inputs: ['m', 'b1'], outputs: ['h'] }, ...tail],
        prefix: ['MatMul_0', 'Add_1'],
      },
      { name: 'Gemm', nodes: [{ op: 'Gemm', inputs: ['x', 'fc1', 'b1'], outputs: ['h'], attributes: { transB: { int: 1 } } }, ...tail], prefix: ['Gemm_0'] },
      {
        name: 'MatMul by one matrix per point',
        nodes: [
          { op: 'MatMul', inputs: ['x', 'perPoint'], outputs: ['hs'] },
          { op: 'ReduceSum', inputs: ['hs', 'axis0'], outputs: ['h'], attributes: { keepdims: { int: 0 } } },
          ...tail,
        ],
        prefix: [],
      },
    ];
    for (const k of cases) {
      const bytes = makeModel({ opset: 13, inputs: { x: ['n', ...point] }, constants, nodes: k.nodes, outputs: ['y'] });
      const folded = await fusedGradientSum(bytes, c, true, point);
      expect(folded.affinePrefix, k.name).toEqual(k.prefix);
      if (k.prefix.length === 0) continue;
      const expected = await pointwiseGradientSum(bytes, c, point);
      const scale = maxAbs(expected);
      expect(scale, k.name).toBeGreaterThan(0.1);
      folded.sum.forEach((v, i) => expect(Math.abs(v - (expected[i] as number)), k.name).toBeLessThan(TOLERANCE * scale));
    }
  });

  it('rejects a stem that writes its own input (a cycle) with a typed error instead of looping', () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['n', 6] },
      constants: { fc1: constant([6, 6]) },
      nodes: [
        { op: 'Gemm', inputs: ['x', 'fc1'], outputs: ['x'] },
        { op: 'Relu', inputs: ['h'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    expect(() =>
      buildFusedModel(bytes, {
        steps: 2,
        facts: {
          shapes: new Map([
            ['x', [2, 6]],
            ['y', [2, 6]],
          ]),
        },
      }),
    ).toThrow(InvalidModelError);
  });

  it('gives the attributions of the unfused backend through integratedGradients', async () => {
    const fused = await createOnnxBackend(ort, 'onnxruntime-node', stem);
    const plain = await createOnnxBackend(ort, 'onnxruntime-node', stem, { fused: false });
    const draw = rng(5);
    const input = tensor(uniform(draw, 2 * POINT_SIZE), [2, ...POINT]);
    const options = { target: [3, 1], baselines: 0.1, steps: 16, method: 'gauss-legendre' as const };
    const a = await integratedGradients(fused, input, options);
    const b = await integratedGradients(plain, input, options);
    const expected = b.attributions[0]?.data as Float32Array;
    const scale = maxAbs(expected);
    (a.attributions[0]?.data as Float32Array).forEach((v, i) => expect(Math.abs(v - (expected[i] as number))).toBeLessThan(TOLERANCE * scale));
    await fused.dispose();
    await plain.dispose();
  });
});
