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
import { nodeAndWebTolerances } from './tolerance.js';

it('measures the exported-op modules', async () => {
  const cases = await nodeAndWebTolerances(exportedOpModels, (ort, { c, opset }, provider) => exportedOpDeviation(ort, c, opset, provider));
  writeFileSync(join(exportedOpsDir, 'tolerances.json'), `${JSON.stringify({ method: 'test/measure/exported-op-deviations.measure.ts', cases }, null, 1)}\n`);
}, 900_000);
