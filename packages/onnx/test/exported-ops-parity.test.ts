import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel } from '../src/index.js';
import { exportedOpDeviation, exportedOpModels, exportedOpsDir } from './helpers/exported-ops.js';
import { runtimes } from './helpers/ort.js';

interface Measured {
  readonly tolerance: number;
  readonly webTolerance: number;
  readonly logitTolerance: number;
}

// Tiny modules whose torch export holds DepthToSpace (PixelShuffle, CRD), Celu, Einsum, Atan,
// CumSum, TopK, GatherElements (repeated indices) and ReduceProd, at opsets 13 and 17
// (scripts/exported_op_references.py). The truth is torch autograd in float64 on the same float32
// weights; torch's own float32 gradient is 7.3e-8 to 3.4e-7 from it (references.json). Tolerances
// are 4× the deviation measured by test/measure/exported-op-deviations.measure.ts, rounded up.
const measured = (JSON.parse(readFileSync(join(exportedOpsDir, 'tolerances.json'), 'utf8')) as { cases: Record<string, Measured> }).cases;

function measuredFor(key: string): Measured {
  const m = measured[key];
  if (!m) throw new Error(`no measured tolerance for "${key}": run pnpm --filter @ig/onnx measure:tolerances`);
  return m;
}

describe('torch exports with the newer ops: input gradients equal torch autograd', () => {
  it.each(exportedOpModels.map((m) => [m.key, m] as const))('%s (onnxruntime-node)', async (key, { c, opset, ops }) => {
    const graph = decodeModel(new Uint8Array(readFileSync(join(exportedOpsDir, c.models[opset] as string)))).graph;
    expect(ops.filter((op) => !(graph?.node ?? []).some((n) => n.opType === op))).toEqual([]);
    const d = await exportedOpDeviation(runtimes.node, c, opset);
    // Not a vanishing gradient: the smallest max |∂logit/∂x| of any point is 5.3e-3 (pixel_shuffle).
    expect(d.scale).toBeGreaterThan(1e-3);
    expect(d.gradient).toBeLessThanOrEqual(measuredFor(key).tolerance);
    expect(d.logit).toBeLessThanOrEqual(measuredFor(key).logitTolerance);
  });

  it.each(exportedOpModels.map((m) => [m.key, m] as const))('%s (onnxruntime-web wasm)', async (key, { c, opset }) => {
    const d = await exportedOpDeviation(runtimes.web, c, opset, 'wasm');
    expect(d.gradient).toBeLessThanOrEqual(measuredFor(key).webTolerance);
    expect(d.logit).toBeLessThanOrEqual(measuredFor(key).logitTolerance);
  });
});
