import { describe, expect, it } from 'vitest';
import { createContextualDecomposition } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';
import { decompositionError } from './helpers/decomposition-error.js';
import { erf, expectClosedForms, gatedRel, shapleyRel, type ActivationCase } from './helpers/activation-closed-forms.js';

const ort = runtimes.node;

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const hardSigmoid =
  (alpha: number, beta: number) =>
  (v: number): number =>
    Math.max(0, Math.min(1, alpha * v + beta));
const clip6 = (v: number): number => Math.max(0, Math.min(6, v));

const hs = hardSigmoid(1 / 6, 0.5);
const cases: readonly ActivationCase[] = [
  {
    name: 'Clip (ReLU6) as acd applies its ReLU rule',
    opset: 13,
    nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }],
    constants: { lo: { dims: [], values: [0] }, hi: { dims: [], values: [6] } },
    outputs: { y: (r) => clip6(r) },
  },
  {
    name: 'Clip with attributes (opset 6)',
    opset: 6,
    nodes: [{ op: 'Clip', inputs: ['x'], outputs: ['y'], attributes: { min: { float: 0 }, max: { float: 6 } } }],
    outputs: { y: (r) => clip6(r) },
  },
  { name: 'Erf: the Shapley split', opset: 13, nodes: [{ op: 'Erf', inputs: ['x'], outputs: ['y'] }], outputs: { y: (r, i) => shapleyRel(erf, r, i) } },
  {
    name: 'HardSigmoid: the Shapley split, its value at 0 irrelevant',
    opset: 13,
    nodes: [{ op: 'HardSigmoid', inputs: ['x'], outputs: ['y'], attributes: { alpha: { float: 0.3 }, beta: { float: 0.4 } } }],
    outputs: { y: (r, i) => shapleyRel(hardSigmoid(0.3, 0.4), r, i) },
  },
  { name: 'HardSwish (opset 14)', opset: 14, nodes: [{ op: 'HardSwish', inputs: ['x'], outputs: ['y'] }], outputs: { y: (r, i) => gatedRel(hs, r, i) } },
  {
    name: 'HardSwish as exported before opset 14 (HardSigmoid, Mul): the same split',
    opset: 13,
    nodes: [
      { op: 'HardSigmoid', inputs: ['x'], outputs: ['gate'], attributes: { alpha: { float: 1 / 6 }, beta: { float: 0.5 } } },
      { op: 'Mul', inputs: ['x', 'gate'], outputs: ['y'] },
    ],
    outputs: { y: (r, i) => gatedRel(hs, r, i), gate: (r, i) => shapleyRel(hs, r, i) },
  },
  {
    name: 'Gelu (opset 20): x·Φ(x) with the gate Φ split, Φ(0) = ½ given to the relevant side',
    opset: 20,
    nodes: [{ op: 'Gelu', inputs: ['x'], outputs: ['y'] }],
    outputs: { y: (r, i) => gatedRel((v) => 0.5 * (1 + erf(v / Math.SQRT2)), r, i) },
  },
  {
    name: 'Gelu with approximate "tanh"',
    opset: 20,
    nodes: [{ op: 'Gelu', inputs: ['x'], outputs: ['y'], attributes: { approximate: { string: 'tanh' } } }],
    outputs: { y: (r, i) => gatedRel((v) => 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))), r, i) },
  },
  {
    name: 'SiLU (Sigmoid, Mul): sigmoid gating',
    opset: 17,
    nodes: [
      { op: 'Sigmoid', inputs: ['x'], outputs: ['gate'] },
      { op: 'Mul', inputs: ['gate', 'x'], outputs: ['y'] },
    ],
    outputs: { y: (r, i) => gatedRel(sigmoid, r, i), gate: (r, i) => shapleyRel(sigmoid, r, i) },
  },
  {
    name: 'a product of two gates: constant·constant stays irrelevant',
    opset: 13,
    nodes: [
      { op: 'Sigmoid', inputs: ['x'], outputs: ['a'] },
      { op: 'HardSigmoid', inputs: ['x'], outputs: ['b'] },
      { op: 'Mul', inputs: ['a', 'b'], outputs: ['y'] },
    ],
    outputs: {
      y: (r, i) => (shapleyRel(sigmoid, r, i) + 0.5) * (shapleyRel(hardSigmoid(0.2, 0.5), r, i) + 0.5) - 0.25,
    },
  },
];

describe('contextual decomposition of activations and gates: the closed form of each rule', () => {
  for (const c of cases) it(c.name, () => expectClosedForms(c));

  it('a Conv bias produced by a node (an Identity of a shared initializer) is split as an initializer bias is', async () => {
    const w = [0.5, -1.5, 2, 0.25];
    const b = [0.7, -0.4];
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['N', 2, 2, 2] },
      constants: { w: { dims: [2, 2, 1, 1], values: w }, shared: { dims: [2], values: b } },
      nodes: [
        { op: 'Identity', inputs: ['shared'], outputs: ['bias'] },
        { op: 'Conv', inputs: ['x', 'w', 'bias'], outputs: ['y'], attributes: { kernel_shape: { ints: [1, 1] } } },
      ],
      outputs: ['y'],
    });
    const x = uniform(rng(2), 8, -2, 2);
    const masks = Float32Array.from([1, 0, 1, 1, 0, 0, 1, 0]);
    const cd = await createContextualDecomposition(ort, 'onnxruntime-node', bytes);
    const { relevant } = await cd.decompose(x, [2, 2, 2], masks, 1);
    await cd.dispose();
    for (let o = 0; o < 2; o++) {
      for (let p = 0; p < 4; p++) {
        let rel = 0;
        let irrel = 0;
        for (let c = 0; c < 2; c++) {
          const term = (w[o * 2 + c] as number) * (x[c * 4 + p] as number);
          if (masks[c * 4 + p] === 1) rel += term;
          else irrel += term;
        }
        const share = ((b[o] as number) * Math.abs(rel)) / (Math.abs(rel) + Math.abs(irrel));
        expect(Math.abs((relevant[o * 4 + p] as number) - (rel + share))).toBeLessThan(1e-6);
      }
    }
  });

  it('refuses an Abs, a Pow by a decomposed exponent and a Sin, naming each node', () => {
    const bytes = makeModel({
      opset: 18,
      inputs: { x: ['N', 4, 4] },
      nodes: [
        { op: 'Abs', inputs: ['x'], outputs: ['norm'] },
        { op: 'Pow', inputs: ['norm', 'x'], outputs: ['power'] },
        { op: 'Sin', inputs: ['power'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const failure = decompositionError(bytes);
    expect(failure.opTypes).toEqual(['Abs', 'Pow', 'Sin']);
    expect(failure.message.split('\n')[0]).toMatch(
      /^no contextual decomposition for Abs, Pow, Sin: Abs \(opset 18\) node "Abs_0": no contextual-decomposition rule; 3 nodes in all:$/,
    );
    expect(failure.message).toMatch(/Pow \(opset 18\) node "Pow_1": unsupported form: input 1 \("x"\) depends on the model input/);
    expect(failure.message).toMatch(/Sin \(opset 18\) node "Sin_2": no contextual-decomposition rule/);
  });
});
