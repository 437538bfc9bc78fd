import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeModel } from './helpers/model.js';
import { gradientOf, runtimes } from './helpers/ort.js';
import { expectMatches } from './helpers/finite-differences.js';
import { maxAbs, rng, uniform } from './helpers/random.js';
import { inputsOf, opCases as cases, runOpCase, toleranceKey } from './op-cases/index.js';

interface Measured {
  readonly deviation: number;
  readonly tolerance: number;
  readonly web: number;
  readonly webTolerance: number;
}

// Per case and input: the measured float32 deviation and the tolerance derived from it (4× the
// deviation or one float32 ulp, rounded up to one digit; relative to max(1, max|g|)). Written by
// test/measure/op-deviations.measure.ts (`pnpm --filter @ig/onnx measure:tolerances`), which also checks
// that each deviation is the difference quotient's own error (its spread between steps h and h/2).
const measured = (JSON.parse(readFileSync(join(import.meta.dirname, 'op-cases', 'tolerances.json'), 'utf8')) as { cases: Record<string, Measured> }).cases;

function measuredFor(key: string): Measured {
  const m = measured[key];
  if (!m) throw new Error(`no measured tolerance for "${key}": run pnpm --filter @ig/onnx measure:tolerances`);
  return m;
}

describe('per-op gradients against central differences (onnxruntime-node, float32)', () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, index) => {
    for (const k of await runOpCase(c, index)) {
      expect(maxAbs(k.gradient)).toBeGreaterThan(0);
      expectMatches(k.gradient, k.diffs, measuredFor(toleranceKey(c, k.input)).tolerance * k.scale, k.kinked);
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
      const tolerance = measuredFor(toleranceKey(c, input)).webTolerance * Math.max(1, maxAbs(a));
      for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(tolerance);
    }
  });
});
