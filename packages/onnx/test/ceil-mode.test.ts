import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, inferShapes, type Attributes } from '../src/index.js';
import { explicitCeilModePools } from '../src/runtime/ceil-mode.js';
import { rewriteCeilModePoolsForWebGpu } from '../src/runtime/webgpu-pools.js';
import { prepareModel } from '../src/model/prepare.js';
import { makeModel } from './helpers/model.js';
import { feedsOf, gradientOf, runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';

const ints = (values: readonly number[]) => ({ ints: values });

interface CeilCase {
  readonly name: string;
  readonly shape: readonly number[];
  readonly attributes: Attributes;
  /** Whether the rewrite needs explicit end pads (otherwise it only drops ceil_mode). */
  readonly padded: boolean;
}

const cases: CeilCase[] = [
  { name: "GoogLeNet's 3x3 stride 2 on an even size", shape: [1, 2, 12, 10], attributes: { kernel_shape: ints([3, 3]), strides: ints([2, 2]) }, padded: true },
  {
    name: 'odd sizes, pads 1',
    shape: [2, 3, 7, 9],
    attributes: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) },
    padded: false,
  },
  // ceil((5 + 2 − 2)/2) + 1 = 4 windows, but the 4th would start in the end padding and is dropped.
  {
    name: 'last window dropped (2x2 stride 2 pads 1 on 5)',
    shape: [1, 2, 5, 5],
    attributes: { kernel_shape: ints([2, 2]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) },
    padded: false,
  },
  {
    name: 'dilation 2, stride 3',
    shape: [1, 2, 11, 8],
    attributes: { kernel_shape: ints([2, 3]), strides: ints([3, 3]), dilations: ints([2, 2]) },
    padded: true,
  },
  { name: '1-D kernel 3 stride 2', shape: [2, 2, 10], attributes: { kernel_shape: ints([3]), strides: ints([2]) }, padded: true },
];

describe('ceil-mode MaxPool rewritten as −∞ pads and a floor-mode pool (for WebGPU)', () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s: same outputs and gradients', async (_name, c, index) => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: c.shape },
      nodes: [{ op: 'MaxPool', inputs: ['x'], outputs: ['y'], attributes: { ...c.attributes, ceil_mode: { int: 1 } } }],
      outputs: ['y'],
    });
    const count = c.shape.reduce((a, b) => a * b, 1);
    // Half the inputs at one value, so that windows tie and the first-maximum rule is exercised.
    const x = Float32Array.from(uniform(rng(500 + index), count, -2, 2), (v, i) => (i % 2 === 0 ? -1 : v));
    const facts = await inferShapes(runtimes.node, bytes, feedsOf(runtimes.node, { x: { data: x, dims: c.shape } }));
    const model = decodeModel(bytes);
    expect(explicitCeilModePools(model, new Map(facts.shapes), 'all')).toBe(1);
    const pool = (model.graph?.node ?? []).find((n) => n.opType === 'MaxPool');
    expect(pool?.attribute?.find((a) => a.name === 'ceil_mode')?.i).toBe(0);
    expect((model.graph?.node ?? []).some((n) => n.opType === 'Pad')).toBe(c.padded);

    const seedOf = (n: number) => uniform(rng(index), n, 0.5, 1.5);
    const original = await gradientOf(runtimes.node, bytes, { x: { data: x, dims: c.shape } }, seedOf);
    const rewritten = await gradientOf(runtimes.node, encodeModel(model), { x: { data: x, dims: c.shape } }, seedOf);
    expect(rewritten.outputShape).toEqual(original.outputShape);
    expect(Array.from(rewritten.output)).toEqual(Array.from(original.output));
    expect(Array.from(rewritten.gradients.x as Float32Array)).toEqual(Array.from(original.gradients.x as Float32Array));
  });

  it('leaves a pool alone when its input shape is unknown, and floor-mode or auto_pad pools always', () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: [1, 1, 6, 6] },
      nodes: [
        { op: 'MaxPool', inputs: ['x'], outputs: ['a'], attributes: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: { int: 1 } } },
        { op: 'MaxPool', inputs: ['a'], outputs: ['b'], attributes: { kernel_shape: ints([2, 2]), auto_pad: { string: 'SAME_UPPER' }, ceil_mode: { int: 1 } } },
        { op: 'MaxPool', inputs: ['b'], outputs: ['y'], attributes: { kernel_shape: ints([2, 2]) } },
      ],
      outputs: ['y'],
    });
    const model = decodeModel(bytes);
    expect(explicitCeilModePools(model, new Map(), 'all')).toBe(0);
    expect(
      explicitCeilModePools(
        model,
        new Map([
          ['a', [1, 1, 3, 3]],
          ['b', [1, 1, 3, 3]],
        ]),
        'all',
      ),
    ).toBe(0);
  });

  it('before a WebGPU session: probes one example for the shapes, or leaves a model with free spatial dimensions alone', async () => {
    const pool = { op: 'MaxPool', inputs: ['x'], outputs: ['y'], attributes: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: { int: 1 } } };
    const fixed = prepareModel(makeModel({ opset: 13, inputs: { x: ['batch', 2, 8, 8] }, nodes: [pool], outputs: ['y'] }));
    const rewritten = await rewriteCeilModePoolsForWebGpu(runtimes.node, fixed, 'cpu', {});
    expect((rewritten.model.graph?.node ?? []).map((n) => n.opType)).toEqual(['Pad', 'MaxPool']);
    // The prepared model itself is shared, so it is never changed.
    expect((fixed.model.graph?.node ?? []).map((n) => n.opType)).toEqual(['MaxPool']);
    const free = prepareModel(makeModel({ opset: 13, inputs: { x: ['batch', 2, 'h', 'w'] }, nodes: [pool], outputs: ['y'] }));
    expect(await rewriteCeilModePoolsForWebGpu(runtimes.node, free, 'cpu', {})).toBe(free);
    expect((free.model.graph?.node ?? []).map((n) => n.opType)).toEqual(['MaxPool']);
  });
});
