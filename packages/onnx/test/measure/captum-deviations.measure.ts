/**
 * Runs every Captum case on every path of captum-parity.test.ts and writes the tolerances that test
 * reads (test/captum-parity.tolerances.json). Per case and path, the measured deviations from
 * Captum's float32 result, relative to Captum's attribution: max |Δattr| / max|attr|,
 * |ΔΣattr| / Σ|attr| and max |Δdelta| / Σ|attr|; each tolerance is toleranceFor(deviation):
 * 4× it or one float32 ulp, rounded up to one digit.
 * Run: `pnpm --filter @ig/onnx measure:tolerances`.
 */
import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captumCases, captumDeviation, captumScales } from '../helpers/captum.js';
import { PATHS, runCase, runsCase } from '../helpers/captum-paths.js';
import { toleranceFor } from './tolerance.js';

it('measures every Captum case on every path', async () => {
  const entries: Record<string, Record<string, number>> = {};
  for (const c of captumCases) {
    const { max, l1 } = captumScales(c);
    for (const path of PATHS.filter((p) => runsCase(c, p))) {
      const { attribution, deltas } = await runCase(c, path);
      const d = captumDeviation(c, attribution, deltas);
      const [attr, sum] = [d.maxError / max, d.sumError / l1];
      const entry: Record<string, number> = {
        attr: Number(attr.toPrecision(2)),
        attrTolerance: toleranceFor(attr),
        sum: Number(sum.toPrecision(2)),
        sumTolerance: toleranceFor(sum),
      };
      if (d.deltaError !== undefined)
        Object.assign(entry, { delta: Number((d.deltaError / l1).toPrecision(2)), deltaTolerance: toleranceFor(d.deltaError / l1) });
      entries[`${c.id} ${path}`] = entry;
    }
  }
  const file = join(import.meta.dirname, '..', 'captum-parity.tolerances.json');
  writeFileSync(
    file,
    `${JSON.stringify({ method: 'test/measure/captum-deviations.measure.ts', relativeTo: { attr: 'max |Captum attribution|', sum: 'Σ |Captum attribution|', delta: 'Σ |Captum attribution|' }, cases: entries }, null, 1)}\n`,
  );
}, 900_000);
