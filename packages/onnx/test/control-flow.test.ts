import { describe, expect, it } from 'vitest';
import { makeModel, type ModelSpec } from './helpers/model.js';
import { gradientOf, runtimes, type Feed } from './helpers/ort.js';
import { differences } from './helpers/finite-differences.js';
import { maxAbs, rng, uniform } from './helpers/random.js';
import { ifConstant, ifShape, loopModel, loopOfRnn, loopWithIf, loopWithIterationIf, loopWithoutIterations, scanModel } from './helpers/control-flow-models.js';

const ort = runtimes.node;

async function deviation(spec: ModelSpec): Promise<{ deviation: number; scale: number }> {
  const bytes = makeModel(spec);
  const random = rng(11);
  const feeds: Record<string, Feed> = Object.fromEntries(
    Object.entries(spec.inputs).map(([name, shape]) => {
      const dims = shape as number[];
      return [
        name,
        {
          dims,
          data: uniform(
            random,
            dims.reduce((a, b) => a * b, 1),
            -1,
            1,
          ),
        },
      ];
    }),
  );
  const seedOf = (n: number): Float32Array => uniform(rng(5), n, -1, 1);
  const run = await gradientOf(ort, bytes, feeds, seedOf);
  const seed = seedOf(run.output.length);
  let worst = 0;
  let scale = 0;
  for (const [input, feed] of Object.entries(feeds)) {
    const gradient = run.gradients[input] as Float32Array;
    scale = Math.max(scale, maxAbs(gradient));
    const diffs = await differences(ort, bytes, feeds, input, seed, [...feed.data.keys()], 1e-2);
    for (const d of diffs) worst = Math.max(worst, Math.abs((gradient[d.index] as number) - d.central));
  }
  return { deviation: worst, scale };
}

// Tolerances relative to max(1, max|g|), about 4× the deviation measured at step 1e-2 (the
// difference quotient's truncation error: the loops' tanh and the branches' sin have large third derivatives).
describe('If, Loop and Scan inlined: input gradients against central differences of onnxruntime running the original model', () => {
  it.each([
    ['If on a constant true condition', ifConstant(true), 1.5e-6],
    ['If on a constant false condition', ifConstant(false), 2e-5],
    ['If on x.shape[1] > 3', ifShape, 1.5e-6],
    ['Loop of 3 iterations carrying h, with a scan output', loopModel(), 1.2e-4],
    ['Loop whose body holds an If', loopWithIf, 1.6e-4],
    ['Loop whose body holds an If on the iteration number', loopWithIterationIf, 1.2e-4],
    ['Loop of no iterations, without scan outputs', loopWithoutIterations, 3e-7],
    ['Loop whose body holds an RNN node', loopOfRnn, 2e-5],
    ['Scan forward over two scan inputs (one in reverse)', scanModel(false), 1.6e-4],
    ['Scan with its output stacked in reverse along the last axis', scanModel(true), 1.3e-4],
  ] as const)('%s', async (_name, spec, tolerance) => {
    const { deviation: worst, scale } = await deviation(spec);
    expect(scale).toBeGreaterThan(0.1);
    expect(worst / Math.max(1, scale)).toBeLessThan(tolerance);
  });
});
