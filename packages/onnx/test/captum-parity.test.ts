import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumCases as cases, captumScales, expectCaptumParity, type CaptumCase, type ParityTolerance } from './helpers/captum.js';
import { backendFor, runCase, runsCase, type CaptumPath } from './helpers/captum-paths.js';

// Per case and path: tolerances derived from the measured deviation from Captum
// (test/measure/captum-deviations.measure.ts: 4× the deviation or one float32 ulp, rounded up),
// relative to max |Captum attribution| (attr) and Σ |Captum attribution| (sum, delta). They are
// 10 to 1000× tighter than the manifest's bounds for any float32 reimplementation.
const measured = (
  JSON.parse(readFileSync(join(import.meta.dirname, 'captum-parity.tolerances.json'), 'utf8')) as {
    cases: Record<string, { attrTolerance: number; sumTolerance: number; deltaTolerance?: number }>;
  }
).cases;

function toleranceFor(c: CaptumCase, path: CaptumPath): ParityTolerance {
  const m = measured[`${c.id} ${path}`];
  if (!m) throw new Error(`no measured tolerance for ${c.id} on ${path}: run pnpm --filter @ig/onnx measure:tolerances`);
  const { max, l1 } = captumScales(c);
  return { attr: m.attrTolerance * max, sum: m.sumTolerance * l1, ...(m.deltaTolerance === undefined ? {} : { delta: m.deltaTolerance * l1 }) };
}

async function checkCase(c: CaptumCase, path: CaptumPath): Promise<void> {
  const { attribution, deltas } = await runCase(c, path);
  expectCaptumParity(c, attribution, deltas, toleranceFor(c, path));
}

describe('Captum parity on onnxruntime-node (fused path graph)', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await checkCase(c, 'node-fused');
    expect((await backendFor('node', c.model, true)).name).toBe('onnxruntime-node/cpu');
  });
});

describe('Captum parity on onnxruntime-node (per-batch gradient graph)', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await checkCase(c, 'node-batched');
  });
});

describe('Captum parity on onnxruntime-web (wasm in Node)', () => {
  const subset = cases.filter((c) => runsCase(c, 'web-fused'));
  it.each(subset.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await checkCase(c, 'web-fused');
    expect((await backendFor('web', c.model, true)).name).toBe('onnxruntime-web/wasm');
  });
});

describe("Captum parity with @ig/core's built-in quadrature rules (onnxruntime-node)", () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await checkCase(c, 'node-core-rule');
  });
});
