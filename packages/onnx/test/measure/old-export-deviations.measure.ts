/**
 * Measures the models of test/fixtures/old-exports (scripts/old_exports.py) against torch
 * autograd in float64 and writes what old-exports.test.ts allows (see toleranceFor).
 * Run: `pnpm --filter @ig/onnx measure:tolerances`.
 */
import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oldExportCases, oldExportDeviation, oldExportsDir } from '../helpers/old-exports.js';
import { REFUSED_OLD_EXPORTS } from '../old-exports-refused.js';
import { round, toleranceFor } from './tolerance.js';

it('measures the old and odd exports', async () => {
  const cases: Record<string, Record<string, number>> = {};
  for (const [name, c] of Object.entries(oldExportCases)) {
    if (REFUSED_OLD_EXPORTS.has(name)) continue;
    const d = await oldExportDeviation(c);
    cases[name] = { deviation: round(d.gradient), tolerance: toleranceFor(d.gradient), logit: round(d.logit), logitTolerance: toleranceFor(d.logit) };
  }
  writeFileSync(join(oldExportsDir, 'tolerances.json'), `${JSON.stringify({ method: 'test/measure/old-export-deviations.measure.ts', cases }, null, 1)}\n`);
}, 900_000);
