/**
 * Measures the exported modules of test/fixtures/exported-ops (scripts/exported_op_references.py)
 * against torch autograd and writes what exported-ops-parity.test.ts allows, as
 * architecture-deviations.measure.ts does for the architecture modules.
 * Run: `pnpm --filter @ig/onnx measure:tolerances`.
 */
import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportedOpDeviation, exportedOpModels, exportedOpsDir } from '../helpers/exported-ops.js';
import { runtimes } from '../helpers/ort.js';
import { toleranceFor } from './tolerance.js';

const round = (x: number): number => Number(x.toPrecision(2));

it('measures the exported-op modules', async () => {
  const cases: Record<string, Record<string, number>> = {};
  for (const { key, c, opset } of exportedOpModels) {
    const node = await exportedOpDeviation(runtimes.node, c, opset);
    const web = await exportedOpDeviation(runtimes.web, c, opset, 'wasm');
    cases[key] = {
      deviation: round(node.gradient),
      tolerance: toleranceFor(node.gradient),
      web: round(web.gradient),
      webTolerance: toleranceFor(web.gradient),
      logit: round(Math.max(node.logit, web.logit)),
      logitTolerance: toleranceFor(Math.max(node.logit, web.logit)),
    };
  }
  writeFileSync(join(exportedOpsDir, 'tolerances.json'), `${JSON.stringify({ method: 'test/measure/exported-op-deviations.measure.ts', cases }, null, 1)}\n`);
}, 900_000);
