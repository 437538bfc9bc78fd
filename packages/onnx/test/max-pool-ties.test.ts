import { describe, expect, it } from 'vitest';
import type { Attributes } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { gradientOf, runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';

interface TieCase {
  readonly name: string;
  readonly shape: readonly number[];
  readonly kernel: readonly number[];
  readonly strides?: readonly number[];
  readonly dilations?: readonly number[];
  /** Begin pads as the runtime applies them (auto_pad resolved by hand). */
  readonly padsBegin: readonly number[];
  readonly attributes: Attributes;
}

const ints = (values: readonly number[]) => ({ ints: values });

const cases: TieCase[] = [
  {
    name: '3x3 stride 1 pads 1 (GoogLeNet inception branch)',
    shape: [2, 3, 6, 7],
    kernel: [3, 3],
    padsBegin: [1, 1],
    attributes: { pads: ints([1, 1, 1, 1]), ceil_mode: { int: 1 } },
  },
  {
    name: '3x3 stride 2 ceil_mode (GoogLeNet stem)',
    shape: [1, 2, 8, 9],
    kernel: [3, 3],
    strides: [2, 2],
    padsBegin: [0, 0],
    attributes: { strides: ints([2, 2]), ceil_mode: { int: 1 } },
  },
  {
    name: '3x3 stride 2 pads 1',
    shape: [1, 2, 7, 6],
    kernel: [3, 3],
    strides: [2, 2],
    padsBegin: [1, 1],
    attributes: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) },
  },
  { name: '2x2 stride 2 odd size', shape: [1, 3, 5, 7], kernel: [2, 2], strides: [2, 2], padsBegin: [0, 0], attributes: { strides: ints([2, 2]) } },
  {
    name: '2x3 strides (1, 2) asymmetric pads',
    shape: [1, 2, 5, 8],
    kernel: [2, 3],
    strides: [1, 2],
    padsBegin: [1, 0],
    attributes: { strides: ints([1, 2]), pads: ints([1, 0, 0, 2]) },
  },
  {
    name: '2x2 dilation 2 pads 1',
    shape: [1, 2, 6, 6],
    kernel: [2, 2],
    dilations: [2, 2],
    padsBegin: [1, 1],
    attributes: { dilations: ints([2, 2]), pads: ints([1, 1, 1, 1]) },
  },
  {
    name: '3x3 stride 2 SAME_LOWER',
    shape: [1, 2, 6, 5],
    kernel: [3, 3],
    strides: [2, 2],
    padsBegin: [1, 1],
    attributes: { strides: ints([2, 2]), auto_pad: { string: 'SAME_LOWER' } },
  },
  {
    name: '1-D kernel 4 stride 3 SAME_UPPER',
    shape: [2, 2, 11],
    kernel: [4],
    strides: [3],
    padsBegin: [1],
    attributes: { strides: ints([3]), auto_pad: { string: 'SAME_UPPER' } },
  },
  { name: '3-D 2x3x2 stride 1 pads', shape: [1, 2, 4, 5, 3], kernel: [2, 3, 2], padsBegin: [0, 1, 1], attributes: { pads: ints([0, 1, 1, 1, 1, 0]) } },
  { name: '1x3 kernel (one axis only)', shape: [1, 2, 3, 6], kernel: [1, 3], padsBegin: [0, 1], attributes: { pads: ints([0, 1, 0, 1]) } },
  {
    name: '3x3 dilation 2 pads 2 stride 1 (same size)',
    shape: [1, 2, 5, 6],
    kernel: [3, 3],
    dilations: [2, 2],
    padsBegin: [2, 2],
    attributes: { dilations: ints([2, 2]), pads: ints([2, 2, 2, 2]) },
  },
  { name: '3x3 stride 1 pads 1 on 2x2 maps', shape: [2, 3, 2, 2], kernel: [3, 3], padsBegin: [1, 1], attributes: { pads: ints([1, 1, 1, 1]) } },
  { name: '3x3 stride 1 pads 1 on a 1x1 map', shape: [1, 4, 1, 1], kernel: [3, 3], padsBegin: [1, 1], attributes: { pads: ints([1, 1, 1, 1]) } },
  // ceil((5 + 2 − 2)/2) + 1 = 4 windows, but the last would start in the end padding and is dropped.
  {
    name: '2x2 stride 2 pads 1 ceil_mode, last window dropped',
    shape: [1, 2, 5, 5],
    kernel: [2, 2],
    strides: [2, 2],
    padsBegin: [1, 1],
    attributes: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), ceil_mode: { int: 1 } },
  },
];

const LOWEST = -3.4028234663852886e38;

/**
 * PyTorch's rule written out directly: every window sends its output gradient to its first real
 * (not padding) element, in row-major window order, that equals the window's maximum.
 */
function reference(
  x: Float32Array,
  shape: readonly number[],
  outShape: readonly number[],
  c: TieCase,
  seed: Float32Array,
): { y: Float32Array; gx: Float32Array } {
  const spatial = shape.slice(2);
  const outSpatial = outShape.slice(2);
  const n = spatial.length;
  const strides = c.strides ?? spatial.map(() => 1);
  const dilations = c.dilations ?? spatial.map(() => 1);
  const planes = (shape[0] as number) * (shape[1] as number);
  const planeSize = spatial.reduce((a, b) => a * b, 1);
  const outPlane = outSpatial.reduce((a, b) => a * b, 1);
  const kernelCount = c.kernel.reduce((a, b) => a * b, 1);
  const y = new Float32Array(planes * outPlane);
  const gx = new Float32Array(x.length);
  const unravel = (flat: number, dims: readonly number[]): number[] => {
    const index = new Array<number>(dims.length);
    for (let a = dims.length - 1; a >= 0; a--) {
      index[a] = flat % (dims[a] as number);
      flat = Math.floor(flat / (dims[a] as number));
    }
    return index;
  };
  for (let p = 0; p < planes; p++) {
    for (let o = 0; o < outPlane; o++) {
      const oIndex = unravel(o, outSpatial);
      let best = -Infinity;
      let bestAt = -1;
      for (let e = 0; e < kernelCount; e++) {
        const eIndex = unravel(e, c.kernel);
        let flat = 0;
        let inside = true;
        for (let a = 0; a < n; a++) {
          const i = (oIndex[a] as number) * (strides[a] as number) + (eIndex[a] as number) * (dilations[a] as number) - (c.padsBegin[a] as number);
          if (i < 0 || i >= (spatial[a] as number)) inside = false;
          flat = flat * (spatial[a] as number) + i;
        }
        if (!inside) continue;
        const value = x[p * planeSize + flat] as number;
        if (bestAt < 0 || value > best) {
          best = value;
          bestAt = flat;
        }
      }
      y[p * outPlane + o] = best;
      gx[p * planeSize + bestAt] = (gx[p * planeSize + bestAt] as number) + (seed[p * outPlane + o] as number);
    }
  }
  return { y, gx };
}

/** Inputs drawn from `values`, and the first plane all `planeValue`. */
async function expectFirstMaxRule(c: TieCase, index: number, values: readonly number[], planeValue: number): Promise<void> {
  const random = rng(300 + index);
  const count = c.shape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: count }, () => values[Math.floor(random() * values.length)] as number);
  x.fill(
    planeValue,
    0,
    c.shape.slice(2).reduce((a, b) => a * b, 1),
  );
  const bytes = makeModel({
    opset: 13,
    inputs: { x: c.shape },
    nodes: [{ op: 'MaxPool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: ints(c.kernel), ...c.attributes } }],
    outputs: ['y'],
  });
  let seed: Float32Array = new Float32Array(0);
  const run = await gradientOf(runtimes.node, bytes, { x: { data: x, dims: c.shape } }, (n) => (seed = uniform(rng(index), n, 0.5, 1.5)));
  const expected = reference(x, c.shape, run.outputShape, c, seed);
  expect(Array.from(run.output)).toEqual(Array.from(expected.y));
  const gx = run.gradients.x as Float32Array;
  expect(gx.length).toBe(expected.gx.length);
  // Sums of up to 9 seeds in [0.5, 1.5], added in another order than the reference's: measured
  // at most 9.5e-7 (8 ulps of the largest sums, < 16); 4e-6 is 4× it.
  for (let i = 0; i < gx.length; i++) expect(Math.abs((gx[i] as number) - (expected.gx[i] as number))).toBeLessThanOrEqual(4e-6);
}

describe('MaxPool gradient on inputs full of ties equals the first-maximum rule written out directly', () => {
  // Values in {−1, 0, 0, 1} (ties everywhere, a ReLU-like share of zeros), and one constant plane.
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, index) => expectFirstMaxRule(c, index, [-1, 0, 0, 1], 0.5));
});

describe('MaxPool gradient never routes to padding, even for inputs at the float32 limits', () => {
  // Windows full of the lowest float32 must still send their gradient to a real element.
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, index) => expectFirstMaxRule(c, index, [LOWEST, LOWEST, -3e38, 3e38], LOWEST));
});
