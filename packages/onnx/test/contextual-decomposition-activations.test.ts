import { describe, expect, it } from 'vitest';
import { createContextualDecomposition } from '../src/index.js';
import { makeModel, type NodeSpec } from './helpers/model.js';
import { runModel, runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';
import { decompositionError } from './helpers/decomposition-error.js';

const ort = runtimes.node;
const SIZE = 12;

/** erf by its Maclaurin series (float64; |x| ≤ 3 here, where 60 terms converge to 1e-15). */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const hardSigmoid =
  (alpha: number, beta: number) =>
  (v: number): number =>
    Math.max(0, Math.min(1, alpha * v + beta));
const clip6 = (v: number): number => Math.max(0, Math.min(6, v));

/** The CD paper's two-part Shapley split of f at r, i: the relevant part. */
const shapleyRel = (f: (v: number) => number, r: number, i: number): number => 0.5 * (f(r) - f(0) + (f(r + i) - f(i)));

/** x·g(x) with the gate split by shapleyRel and its value at 0 given to the relevant side. */
const gatedRel = (g: (v: number) => number, r: number, i: number): number => (shapleyRel(g, r, i) + g(0)) * r;

interface Case {
  readonly name: string;
  readonly opset: number;
  readonly nodes: readonly NodeSpec[];
  readonly constants?: Parameters<typeof makeModel>[0]['constants'];
  /** The closed form of each decomposed output: its relevant part at one element (r, i). */
  readonly outputs: Readonly<Record<string, (r: number, i: number) => number>>;
}

const hs = hardSigmoid(1 / 6, 0.5);
const cases: readonly Case[] = [
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
  for (const c of cases) {
    it(c.name, async () => {
      const bytes = makeModel({ opset: c.opset, inputs: { x: ['N', SIZE] }, constants: c.constants, nodes: c.nodes, outputs: Object.keys(c.outputs) });
      const x = uniform(rng(c.name.length), SIZE, -3, 3);
      const random = rng(5);
      const count = 4;
      const masks = Float32Array.from({ length: count * SIZE }, (_, k) => (k < SIZE ? 1 : k < 2 * SIZE ? 0 : random() < 0.5 ? 1 : 0));
      const whole = await runModel(ort, bytes, { x: new ort.Tensor('float32', x, [1, SIZE]) });
      for (const [output, closedForm] of Object.entries(c.outputs)) {
        const cd = await createContextualDecomposition(ort, 'onnxruntime-node', bytes, { output });
        const { relevant, irrelevant } = await cd.decompose(x, [SIZE], masks, count);
        await cd.dispose();
        const y = whole[output]?.data as Float32Array;
        for (let k = 0; k < count * SIZE; k++) {
          const m = masks[k] as number;
          const v = x[k % SIZE] as number;
          // float32 evaluation of a few ops on values up to ~3: measured deviations up to 1.3e-7
          expect(Math.abs((relevant[k] as number) - closedForm(m * v, (1 - m) * v))).toBeLessThan(1e-6);
          // the identity at the node's output: measured 0 (irrel is formed as the whole minus rel;
          // the bound allows the rounding of that one subtraction on values up to ~3)
          expect(Math.abs((relevant[k] as number) + (irrelevant[k] as number) - (y[k % SIZE] as number))).toBeLessThan(1e-6);
        }
      }
    });
  }

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
