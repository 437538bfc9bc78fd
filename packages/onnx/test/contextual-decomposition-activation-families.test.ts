import { describe, it } from 'vitest';
import { expectClosedForms, shapleyRel, type ActivationCase } from './helpers/activation-closed-forms.js';

// The activations beyond ReLU, tanh and sigmoid, each by the rule of its family: `acd` applies
// its ReLU rule (rel' = f(r)) to every module whose type name holds "ReLU" (LeakyReLU, PReLU, and
// so ThresholdedReLU);
// the smooth ones get the CD paper's Shapley split, f(0) held by the irrelevant part.
const softplus = (v: number): number => Math.log1p(Math.exp(v));
const elu = (alpha: number) => (v: number) => (v > 0 ? v : alpha * Math.expm1(v));
const SELU_ALPHA = 1.67326319217681884765625;
const SELU_GAMMA = 1.05070102214813232421875;

const unary = (op: string, attributes: NonNullable<ActivationCase['nodes'][number]['attributes']> = {}): ActivationCase['nodes'] => [
  { op, inputs: ['x'], outputs: ['y'], attributes },
];

const cases: readonly ActivationCase[] = [
  {
    name: 'LeakyRelu as acd applies its ReLU rule',
    opset: 16,
    nodes: unary('LeakyRelu', { alpha: { float: 0.1 } }),
    outputs: { y: (r) => (r > 0 ? r : 0.1 * r) },
  },
  {
    name: 'PRelu with a slope per feature, as acd applies its ReLU rule',
    opset: 16,
    nodes: [{ op: 'PRelu', inputs: ['x', 'slope'], outputs: ['y'] }],
    constants: { slope: { dims: [12], values: Array.from({ length: 12 }, (_, k) => 0.05 * k - 0.2) } },
    outputs: { y: (r, _i, feature) => (r > 0 ? r : (0.05 * feature - 0.2) * r) },
  },
  { name: 'Elu: the Shapley split', opset: 13, nodes: unary('Elu', { alpha: { float: 0.7 } }), outputs: { y: (r, i) => shapleyRel(elu(0.7), r, i) } },
  {
    name: 'Selu with its default alpha and gamma',
    opset: 13,
    nodes: unary('Selu'),
    outputs: { y: (r, i) => shapleyRel((v) => SELU_GAMMA * elu(SELU_ALPHA)(v), r, i) },
  },
  {
    name: 'Celu',
    opset: 13,
    nodes: unary('Celu', { alpha: { float: 1.3 } }),
    outputs: { y: (r, i) => shapleyRel((v) => Math.max(0, v) + Math.min(0, 1.3 * Math.expm1(v / 1.3)), r, i) },
  },
  { name: 'Softplus: softplus(0) = ln 2 held irrelevant', opset: 13, nodes: unary('Softplus'), outputs: { y: (r, i) => shapleyRel(softplus, r, i) } },
  { name: 'Softsign', opset: 13, nodes: unary('Softsign'), outputs: { y: (r, i) => shapleyRel((v) => v / (1 + Math.abs(v)), r, i) } },
  { name: 'Mish (opset 18)', opset: 18, nodes: unary('Mish'), outputs: { y: (r, i) => shapleyRel((v) => v * Math.tanh(softplus(v)), r, i) } },
  {
    name: 'ThresholdedRelu as acd applies its ReLU rule',
    opset: 13,
    nodes: unary('ThresholdedRelu', { alpha: { float: 0.5 } }),
    outputs: { y: (r) => (r > 0.5 ? r : 0) },
  },
  {
    name: 'Softplus then Mul: softplus(0) = ln 2 enters the product as a gate constant',
    opset: 13,
    nodes: [
      { op: 'Softplus', inputs: ['x'], outputs: ['gate'] },
      { op: 'Mul', inputs: ['gate', 'x'], outputs: ['y'] },
    ],
    outputs: { y: (r, i) => (shapleyRel(softplus, r, i) + Math.LN2) * r, gate: (r, i) => shapleyRel(softplus, r, i) },
  },
];

describe('contextual decomposition of the ReLU and smooth activation families: the closed form of each rule', () => {
  for (const c of cases) it(c.name, () => expectClosedForms(c));
});

/** q(v) = saturate(round-half-even(v/s) + zp) of a uint8 quantizer, as QuantizeLinear computes it. */
const levels =
  (s: number, zp: number) =>
  (v: number): number => {
    const t = v / s;
    const floor = Math.floor(t);
    const rounded = t - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(t);
    return Math.min(255, Math.max(0, rounded + zp));
  };

describe("contextual decomposition of a QDQ model's fake quantization: the Shapley split of the integer levels, scaled", () => {
  // DequantizeLinear(QuantizeLinear(x)), s = 0.05, zp = 100: x ∈ [−3, 3] spans levels 40…160 and
  // saturates nowhere; s = 0.01 saturates beyond [−1, 1.55]. rel = s·½[(q(r) − q(0)) + (q(r + i) − q(i))].
  for (const [s, zp] of [
    [0.05, 100],
    [0.01, 100],
  ] as const) {
    it(`scale ${s}, zero point ${zp}`, () =>
      expectClosedForms({
        name: `fake quantization ${s} ${zp}`,
        opset: 13,
        nodes: [
          { op: 'QuantizeLinear', inputs: ['x', 's', 'zp'], outputs: ['q'] },
          { op: 'DequantizeLinear', inputs: ['q', 's', 'zp'], outputs: ['y'] },
        ],
        constants: { s: { dims: [], values: [s] }, zp: { dims: [], values: [zp], type: 'uint8' } },
        outputs: { y: (r, i) => s * 0.5 * (levels(s, zp)(r) - zp + (levels(s, zp)(r + i) - levels(s, zp)(i))) },
      }));
  }
});
