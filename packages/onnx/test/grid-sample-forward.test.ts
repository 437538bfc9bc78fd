import { describe, expect, it } from 'vitest';
import { makeModel } from './helpers/model.js';
import { feedsOf, gradientOf, runModel, runtimes, type Feed } from './helpers/ort.js';
import { maxAbs, rng, uniform } from './helpers/random.js';
import { str, int } from './op-cases/case.js';

/**
 * The lowered GridSample computes what onnxruntime's own kernel computes, on random grids with
 * points outside [−1, 1] and on grids whose points fall on exact pixel centres (where nearest and
 * the floor of linear and cubic are decided by the last bit of the unnormalized coordinate).
 */

// Measured: |lowered − onnxruntime| is 0 in 26 of the 46 comparisons, at most 8.6e-7 (bicubic
// reflection; 4.2e-7 in every other case), with values in [−1, 1] and cubic overshoot to ~1.5: a
// few float32 ulps from a different order of summation.
const TOLERANCE = 2e-6;

const MODES_16 = ['bilinear', 'nearest', 'bicubic'] as const;
const PADDINGS = ['zeros', 'border', 'reflection'] as const;

/** Normalized coordinates of the pixel centres of an axis of `length` pixels. */
function centres(length: number, alignCorners: boolean): number[] {
  return Array.from({ length }, (_, i) => (alignCorners ? (length === 1 ? 0 : -1 + (2 * i) / (length - 1)) : -1 + (2 * i + 1) / length));
}

/** A grid [N, points, 1, 2] whose points are every pixel centre of an [H, W] image, in scrambled order. */
function centreGrid(batch: number, height: number, width: number, alignCorners: boolean): Feed {
  const xs = centres(width, alignCorners);
  const ys = centres(height, alignCorners);
  const points: number[] = [];
  for (let n = 0; n < batch; n++)
    for (let p = 0; p < height * width; p++) {
      const q = (p * 7 + n * 3) % (height * width);
      points.push(xs[q % width] as number, ys[Math.floor(q / width)] as number);
    }
  return { data: Float32Array.from(points), dims: [batch, height * width, 1, 2] };
}

async function compare(opset: number, attributes: Record<string, ReturnType<typeof str>>, feeds: Record<string, Feed>): Promise<number> {
  const bytes = makeModel({
    opset,
    inputs: { x: feeds.x?.dims ?? [], grid: feeds.grid?.dims ?? [] },
    nodes: [{ op: 'GridSample', inputs: ['x', 'grid'], outputs: ['y'], attributes }],
    outputs: ['y'],
  });
  const reference = (await runModel(runtimes.node, bytes, feedsOf(runtimes.node, feeds))).y?.data as Float32Array;
  const lowered = await gradientOf(runtimes.node, bytes, feeds, (n) => new Float32Array(n).fill(1));
  expect(lowered.output.length).toBe(reference.length);
  expect(maxAbs(reference)).toBeGreaterThan(0.1);
  let error = 0;
  reference.forEach((v, i) => (error = Math.max(error, Math.abs(v - (lowered.output[i] as number)))));
  return error;
}

describe("GridSample lowered into standard ops gives onnxruntime's forward values (float32)", () => {
  const cases = MODES_16.flatMap((mode) => PADDINGS.flatMap((padding) => [0, 1].map((align) => [mode, padding, align] as const)));

  it.each(cases)('%s, %s, align_corners %i: random grid in [−1.3, 1.3] and exact pixel centres', async (mode, padding, align) => {
    const random = rng(11);
    const x: Feed = { data: uniform(random, 2 * 3 * 4 * 5, -1, 1), dims: [2, 3, 4, 5] };
    const attributes = { mode: str(mode), padding_mode: str(padding), align_corners: int(align) };
    const randomGrid: Feed = { data: uniform(random, 2 * 6 * 7 * 2, -1.3, 1.3), dims: [2, 6, 7, 2] };
    expect(await compare(16, attributes, { x, grid: randomGrid })).toBeLessThanOrEqual(TOLERANCE);
    expect(await compare(16, attributes, { x, grid: centreGrid(2, 4, 5, align === 1) })).toBeLessThanOrEqual(TOLERANCE);
  });

  it.each([
    ['linear', 'zeros'],
    ['linear', 'border'],
    ['linear', 'reflection'],
    ['nearest', 'zeros'],
    ['nearest', 'reflection'],
  ] as const)('5-D input at opset 20: %s, %s', async (mode, padding) => {
    const random = rng(12);
    const x: Feed = { data: uniform(random, 2 * 2 * 3 * 4 * 5, -1, 1), dims: [2, 2, 3, 4, 5] };
    const grid: Feed = { data: uniform(random, 2 * 2 * 3 * 4 * 3, -1.3, 1.3), dims: [2, 2, 3, 4, 3] };
    for (const align of [0, 1]) {
      expect(await compare(20, { mode: str(mode), padding_mode: str(padding), align_corners: int(align) }, { x, grid })).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('nearest rounds a coordinate halfway between pixels to the even one, as onnxruntime does', async () => {
    // X[0, 0, r, c] = 10·r + c on a 5×5 image; with align_corners the normalized coordinates
    // −0.75, −0.25, 0.25, 0.75 are the pixel coordinates 0.5, 1.5, 2.5, 3.5 exactly.
    const x: Feed = { data: Float32Array.from({ length: 25 }, (_, i) => 10 * Math.floor(i / 5) + (i % 5)), dims: [1, 1, 5, 5] };
    const halves = [-0.75, -0.25, 0.25, 0.75];
    const points = halves.flatMap((u, i) => [u, halves[(i + 1) % 4] as number]);
    const grid: Feed = { data: Float32Array.from(points), dims: [1, 4, 1, 2] };
    const bytes = makeModel({
      opset: 16,
      inputs: { x: [1, 1, 5, 5], grid: [1, 4, 1, 2] },
      nodes: [{ op: 'GridSample', inputs: ['x', 'grid'], outputs: ['y'], attributes: { mode: str('nearest'), align_corners: int(1) } }],
      outputs: ['y'],
    });
    const evenOf = [0, 2, 2, 4];
    const expected = halves.map((_, i) => 10 * (evenOf[(i + 1) % 4] as number) + (evenOf[i] as number));
    const reference = (await runModel(runtimes.node, bytes, feedsOf(runtimes.node, { x, grid }))).y?.data as Float32Array;
    const lowered = await gradientOf(runtimes.node, bytes, { x, grid }, (n) => new Float32Array(n).fill(1));
    expect([...reference]).toEqual(expected);
    expect([...lowered.output]).toEqual(expected);
  });
});
