import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { integratedGradients } from '@ig/core';
import { decodeModel } from '../src/index.js';
import { oldExportBackend, oldExportBytes, oldExportCases, oldExportDeviation, oldExportPoints, oldExportsDir } from './helpers/old-exports.js';
import { REFUSED_OLD_EXPORTS } from './old-exports-refused.js';

interface Measured {
  readonly tolerance: number;
  readonly logitTolerance: number;
}

// ONNX files as older and odder exporters write them (scripts/old_exports.py): torch exports at
// opsets 7–10, IR 3 files whose weights are graph inputs, hand-written opset-3/6/7 graphs in the
// forms of the first model-zoo files, tf2onnx and non-ASCII names, odd outputs and inputs. The
// truth is torch autograd in float64 on the same float32 weights. Tolerances are 4× the deviation
// measured by test/measure/old-export-deviations.measure.ts, rounded up (tolerances.json).
const measured = (JSON.parse(readFileSync(join(oldExportsDir, 'tolerances.json'), 'utf8')) as { cases: Record<string, Measured> }).cases;
const differentiated = Object.entries(oldExportCases).filter(([name]) => !REFUSED_OLD_EXPORTS.has(name));

function measuredFor(name: string): Measured {
  const m = measured[name];
  if (!m) throw new Error(`no measured tolerance for "${name}": run pnpm --filter @ig/onnx measure:tolerances`);
  return m;
}

describe('old and odd exports: input gradients equal torch autograd in float64', () => {
  it.each(differentiated)('%s', async (name, c) => {
    const model = decodeModel(oldExportBytes(name));
    const opset = model.opsetImport?.find((o) => !o.domain)?.version;
    // The file still holds the forms it was written to try (the forms are rewritten in our copy only).
    expect([Number(opset), Number(model.irVersion)]).toEqual([c.opset, c.irVersion]);
    expect(c.ops.filter((op) => !(model.graph?.node ?? []).some((n) => n.opType === op))).toEqual([]);
    const d = await oldExportDeviation(c);
    // Not a vanishing gradient: the smallest max |∂F/∂x| of any point is 1.6e-2 (out-binary).
    expect(d.scale).toBeGreaterThan(1e-2);
    expect(d.gradient).toBeLessThanOrEqual(measuredFor(name).tolerance);
    expect(d.logit).toBeLessThanOrEqual(measuredFor(name).logitTolerance);
  });
});

describe('old and odd exports: Integrated Gradients through the public backend', () => {
  it.each(differentiated)('%s: F(x), F(0) equal torch and Σ attributions = F(x) − F(0)', async (name, c) => {
    for (const point of oldExportPoints(c)) {
      const backend = await oldExportBackend(c, point);
      try {
        const result = await integratedGradients(
          backend,
          { data: point.x, shape: [1, ...point.pointShape] },
          { target: { weights: point.weights }, steps: 'auto', tolerance: 1e-5 },
        );
        const report = result.reports[0];
        if (!report) throw new Error('no report');
        // The objective at both ends is the model's own forward in float32: measured within 2.7e-7 of torch's float64.
        expect(Math.abs(report.fInput - point.value)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(point.value)));
        expect(Math.abs(report.fBaseline - point.valueAtZero)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(point.valueAtZero)));
        // Against torch's F(x) − F(0), not the run's own: measured up to 8.2e-5 relative (out-binary, auto steps).
        const sum = (result.attributions[0]?.data as Float32Array).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - (point.value - point.valueAtZero))).toBeLessThanOrEqual(1e-4 * Math.abs(point.value - point.valueAtZero) + 1e-6);
      } finally {
        await backend.dispose();
      }
    }
  });
});
