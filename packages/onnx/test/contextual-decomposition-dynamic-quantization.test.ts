import { describe, expect, it } from 'vitest';
import { decomposeModel, mixedMasks } from './helpers/decompose.js';
import { makeModel, type NodeSpec } from './helpers/model.js';
import { runModel, runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';

// Dynamic quantization as onnxruntime's quantize_dynamic writes it (and transformers.js ships it):
// DynamicQuantizeLinear → MatMulInteger or ConvInteger → Cast → × s_x·s_W. The scale and zero
// point come from the whole input; the levels split as QuantizeLinear's; the integer product is
// linear in the centred levels, with the zero point on the irrelevant side.
const ort = runtimes.node;

/** q(v) = saturate(round-half-even(v/s) + zp), in float32 steps as onnxruntime computes it. */
const level = (s: number, zp: number, v: number): number => {
  const t = Math.fround(v / s);
  const floor = Math.floor(t);
  const rounded = t - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(t);
  return Math.min(255, Math.max(0, rounded + zp));
};

/** The dynamic quantization of x [N, …] by `product` (MatMulInteger or ConvInteger), also writing its scale and zero point. */
function dynamicModel(inputShape: (number | string)[], product: NodeSpec, constants: Parameters<typeof makeModel>[0]['constants']): Uint8Array {
  return makeModel({
    opset: 13,
    inputs: { x: inputShape },
    constants,
    nodes: [
      { op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['xq', 'xs', 'xzp'] },
      product,
      { op: 'Cast', inputs: ['acc'], outputs: ['accf'], attributes: { to: { int: 1 } } },
      { op: 'Mul', inputs: ['xs', 'ws'], outputs: ['scale'] },
      { op: 'Mul', inputs: ['accf', 'scale'], outputs: ['y'] },
      { op: 'Cast', inputs: ['xzp'], outputs: ['zpf'], attributes: { to: { int: 1 } } },
    ],
    outputs: ['y', 'xs', 'zpf'],
  });
}

const wq = [12, -7, 100, 3, 0, -128, 127, 45, -60, 9, 88, -3, -25, 64, 17, 5, -99, 31];
const wzp = [2, -1, 0];
const ws = 0.02;

describe('contextual decomposition of a dynamically quantized model', () => {
  it('MatMulInteger: each feature’s levels split in closed form, scaled by the centred weights; the parts add up to the output', async () => {
    const bytes = dynamicModel(
      ['N', 6],
      { op: 'MatMulInteger', inputs: ['xq', 'wq', 'xzp', 'wzp'], outputs: ['acc'] },
      {
        wq: { dims: [6, 3], values: wq, type: 'int8' },
        wzp: { dims: [3], values: wzp, type: 'int8' },
        ws: { dims: [], values: [ws] },
      },
    );
    // Negative values, so the zero point is far from 0 (about 130).
    const x = Float32Array.of(0.7, -1.3, 2.1, -0.4, 1.6, -2.2);
    const count = 6;
    const masks = mixedMasks(rng(4), 6, count);
    const { output, relevant, irrelevant } = await decomposeModel(bytes, x, [6], masks, count, 'y');
    const whole = await runModel(ort, bytes, { x: new ort.Tensor('float32', x, [1, 6]) });
    const s = (whole['xs']?.data as Float32Array)[0] as number;
    const zp = (whole['zpf']?.data as Float32Array)[0] as number;
    expect(zp).toBeGreaterThan(100);
    const largest = Math.max(...Array.from(output, Math.abs));
    for (let m = 0; m < count; m++) {
      for (let j = 0; j < 3; j++) {
        let rel = 0;
        for (let i = 0; i < 6; i++) {
          const r = (masks[m * 6 + i] as number) * (x[i] as number);
          const rest = (x[i] as number) - r;
          const split = 0.5 * (level(s, zp, r) - zp + (level(s, zp, r + rest) - level(s, zp, rest)));
          rel += split * ((wq[i * 3 + j] as number) - (wzp[j] as number));
        }
        rel *= s * ws;
        const k = m * 3 + j;
        // float32 products of the scales and sums of 6 terms, outputs up to 7.5: measured 2.5e-7 (the sum 3.6e-7).
        expect(Math.abs((relevant[k] as number) - rel)).toBeLessThan(1e-7 * largest);
        expect(Math.abs((relevant[k] as number) + (irrelevant[k] as number) - (output[j] as number))).toBeLessThan(1e-7 * largest);
      }
    }
    // Mask 0 is all ones: the irrelevant part holds zp − a_zp = 0 levels.
    for (let j = 0; j < 3; j++) expect(irrelevant[j]).toBe(0);
  });

  it('ConvInteger with padding: relevant + irrelevant is the output; every feature relevant leaves nothing irrelevant', async () => {
    const kernel = Array.from({ length: 18 }, (_, k) => ((k * 37) % 61) - 30);
    const bytes = dynamicModel(
      ['N', 1, 4, 4],
      { op: 'ConvInteger', inputs: ['xq', 'wq', 'xzp', 'wzp'], outputs: ['acc'], attributes: { pads: { ints: [1, 1, 1, 1] } } },
      { wq: { dims: [2, 1, 3, 3], values: kernel, type: 'int8' }, wzp: { dims: [], values: [3], type: 'int8' }, ws: { dims: [], values: [0.05] } },
    );
    const x = uniform(rng(7), 16, -2, 2);
    const count = 5;
    const { output, relevant, irrelevant } = await decomposeModel(bytes, x, [1, 4, 4], mixedMasks(rng(9), 16, count), count, 'y');
    const largest = Math.max(...Array.from(output, Math.abs));
    let apart = 0;
    relevant.forEach((rel, k) => (apart = Math.max(apart, Math.abs(rel + (irrelevant[k] as number) - (output[k % 32] as number)))));
    // Padding the centred levels with 0 is padding the levels with x_zp, as onnxruntime does: measured 3.0e-7 on outputs up to 5.5.
    expect(apart).toBeLessThan(1e-7 * largest);
    for (let j = 0; j < 32; j++) expect(irrelevant[j]).toBe(0);
  });
});
