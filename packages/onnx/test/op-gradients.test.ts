import { describe, expect, it } from 'vitest';
import { makeModel } from './helpers/model.js';
import { gradientOf, runtimes, type Feed } from './helpers/ort.js';
import { differences, expectMatches } from './helpers/finite-differences.js';
import { maxAbs, rng, uniform } from './helpers/random.js';
import type { OpCase } from './op-cases/case.js';
import { elementwiseCases } from './op-cases/elementwise.js';
import { convCases, linearCases, normalizationCases, poolingCases } from './op-cases/linear-conv.js';
import { shapeCases, slicingCases } from './op-cases/shape-slicing.js';
import { reduceCases, resizeCases } from './op-cases/reduce-resize.js';

export const cases: OpCase[] = [
  ...elementwiseCases,
  ...linearCases,
  ...convCases,
  ...poolingCases,
  ...normalizationCases,
  ...shapeCases,
  ...slicingCases,
  ...reduceCases,
  ...resizeCases,
];

// Forward passes run in float32 on onnxruntime. A step of 1e-2 keeps the rounding error of the
// difference quotient near 1e-7·|f|/h ≈ 1e-5 and the truncation error h²/6·|f'''| near 2e-5;
// the tolerance 2e-3·max(1, max|g|) sits well above both. Where a kink (ReLU, max, clip) lies
// within a step, the one-sided difference from the smooth side is used (expectMatches).
const STEP = 1e-2;
const TOLERANCE = 2e-3;

function inputsOf(c: OpCase, seed: number): Record<string, Feed> {
  const random = rng(seed);
  return Object.fromEntries(
    Object.entries(c.model.inputs).map(([name, dims]) => {
      const [low, high] = c.ranges?.[name] ?? [-1, 1];
      const shape = dims.map(Number);
      return [name, { data: uniform(random, shape.reduce((a, b) => a * b, 1), low, high), dims: shape }];
    }),
  );
}

describe('per-op gradients against central differences (onnxruntime-node, float32)', () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, index) => {
    const bytes = makeModel(c.model);
    const feeds = inputsOf(c, 1000 + index);
    const seedRandom = rng(7 + index);
    const seedOf = (n: number): Float32Array => uniform(seedRandom, n, -1, 1);
    const run = await gradientOf(runtimes.node, bytes, feeds, seedOf, { inputs: c.check });
    const seed = uniform(rng(7 + index), run.output.length, -1, 1);
    for (const input of c.check ?? Object.keys(c.model.inputs)) {
      const g = run.gradients[input] as Float32Array;
      const scale = Math.max(1, maxAbs(g));
      expect(maxAbs(g)).toBeGreaterThan(0);
      const indices = [...Array(g.length).keys()];
      expectMatches(g, await differences(runtimes.node, bytes, feeds, input, seed, indices, STEP), TOLERANCE * scale);
    }
  });
});

describe('per-op gradients: onnxruntime-web (wasm) gives the numbers onnxruntime-node gives', () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, index) => {
    const bytes = makeModel(c.model);
    const feeds = inputsOf(c, 1000 + index);
    const seedOf = (n: number): Float32Array => uniform(rng(7 + index), n, -1, 1);
    const onNode = await gradientOf(runtimes.node, bytes, feeds, seedOf, { inputs: c.check });
    const onWeb = await gradientOf(runtimes.web, bytes, feeds, seedOf, { inputs: c.check, provider: 'wasm' });
    for (const input of c.check ?? Object.keys(c.model.inputs)) {
      const a = onNode.gradients[input] as Float32Array;
      const b = onWeb.gradients[input] as Float32Array;
      expect(b.length).toBe(a.length);
      const scale = Math.max(1, maxAbs(a));
      for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(1e-5 * scale);
    }
  });
});
