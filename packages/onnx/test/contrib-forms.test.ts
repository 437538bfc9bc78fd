import { describe, expect, it } from 'vitest';
import { buildGradientModel, UnsupportedOpError, type AttributeValue } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { gradientOf, runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';
import { supportRefusal } from './helpers/support-refusal.js';

const MICROSOFT = 'com.microsoft';

function contribModel(
  op: string,
  inputs: Readonly<Record<string, readonly number[]>>,
  attributes: Readonly<Record<string, AttributeValue>>,
  outputs: readonly string[] = ['y'],
): Uint8Array {
  return makeModel({
    opset: 13,
    inputs,
    nodes: [{ op, inputs: Object.keys(inputs), outputs, attributes, domain: MICROSOFT }],
    outputs: outputs.filter(Boolean),
    extraOpsets: [{ domain: MICROSOFT, version: 1 }],
  });
}

const conv = { x: [1, 2, 4, 4], w: [2, 2, 3, 3] };
const gemm = { a: [2, 3], b: [3, 4] };

describe('contrib forms the lowering does not cover are refused with a typed error naming the node and form', () => {
  it.each([
    [
      'FusedConv with an activation onnxruntime does not fuse',
      contribModel('FusedConv', conv, { activation: { string: 'Elu' }, activation_params: { floats: [1] } }),
      /activation "Elu"/,
    ],
    [
      'FusedConv LeakyRelu without activation_params',
      contribModel('FusedConv', conv, { activation: { string: 'LeakyRelu' } }),
      /activation_params has 0 values; LeakyRelu takes 1/,
    ],
    [
      'FusedGemm LeakyRelu without activation_alpha',
      contribModel('FusedGemm', gemm, { activation: { string: 'LeakyRelu' } }),
      /LeakyRelu needs the attribute activation_alpha/,
    ],
    ['FusedGemm without an activation', contribModel('FusedGemm', gemm, {}), /activation ""/],
  ])('%s', (_name, bytes, reason) => {
    const error = supportRefusal(bytes);
    expect(error.nodes[0]?.domain).toBe(MICROSOFT);
    expect(error.nodes[0]?.reason).toMatch(reason);
    expect(error.message).toMatch(/Fused(Conv|Gemm)_0/);
  });

  /** The gradient model built at the given input shapes (as the probe would give them). */
  const build = (bytes: Uint8Array, shapes: Readonly<Record<string, readonly number[]>>, output?: string) => (): unknown =>
    buildGradientModel(bytes, {
      facts: { shapes: new Map(Object.entries(shapes)), dataTypes: new Map(), values: new Map() },
      inputs: Object.keys(shapes),
      ...(output ? { output } : {}),
    });

  it('FusedMatMul with transBatchA on a 2-D operand (onnxruntime reads it otherwise than as a no-op): UnsupportedOpError naming the input', () => {
    const shapes = { a: [3, 4], b: [4, 2] };
    const building = build(contribModel('FusedMatMul', shapes, { transBatchA: { int: 1 } }), shapes);
    expect(building).toThrow(UnsupportedOpError);
    expect(building).toThrow(/FusedMatMul_0.*transBatchA on the 2-D input "a"/s);
  });

  it('SkipLayerNormalization whose mean output is read: UnsupportedOpError naming the output', () => {
    const shapes = { x: [1, 3, 4], skip: [1, 3, 4], gamma: [4] };
    const building = build(contribModel('SkipLayerNormalization', shapes, { epsilon: { float: 1e-5 } }, ['y', 'mean']), shapes, 'y');
    expect(building).toThrow(UnsupportedOpError);
    expect(building).toThrow(/SkipLayerNormalization_0.*output 1 \("mean"\) is not computed/s);
  });
});

describe('contrib outputs the lowering does not compute', () => {
  it('named but read by nothing (SkipLayerNormalization mean and inv_std_var): the node is lowered, with the gradient of the model without them', async () => {
    const shapes = { x: [2, 3, 4], skip: [2, 3, 4], gamma: [4] };
    const feeds = Object.fromEntries(
      Object.entries(shapes).map(([name, dims], k) => [
        name,
        {
          data: uniform(
            rng(k + 1),
            dims.reduce((a, b) => a * b, 1),
            -1,
            1,
          ),
          dims,
        },
      ]),
    );
    const seedOf = (n: number): Float32Array => uniform(rng(9), n, -1, 1);
    const model = (outputs: string[]): Uint8Array =>
      makeModel({
        opset: 13,
        inputs: shapes,
        nodes: [{ op: 'SkipLayerNormalization', inputs: Object.keys(shapes), outputs, attributes: { epsilon: { float: 1e-5 } }, domain: MICROSOFT }],
        outputs: ['y'],
        extraOpsets: [{ domain: MICROSOFT, version: 1 }],
      });
    const named = await gradientOf(runtimes.node, model(['y', 'mean', 'inv_std_var']), feeds, seedOf);
    const bare = await gradientOf(runtimes.node, model(['y']), feeds, seedOf);
    for (const input of Object.keys(shapes)) {
      expect(Math.max(...(bare.gradients[input] as Float32Array).map(Math.abs))).toBeGreaterThan(0);
      expect(named.gradients[input]).toEqual(bare.gradients[input]);
    }
  });
});
