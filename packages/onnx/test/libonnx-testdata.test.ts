import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir } from './helpers/fixtures.js';
import { checkModel, LIBONNX_PACKAGE, libonnxModels, libonnxRoot } from './helpers/libonnx.js';
import { systemData } from './helpers/system-data.js';

const available = systemData(libonnxRoot, LIBONNX_PACKAGE);

// Each model's status and, for the passing ones, the tolerance derived from its measured
// deviation (test/measure/libonnx-deviations.measure.ts): relative to max(1, max|g|), 4× the
// deviation or one float32 ulp, rounded up to one digit.
const expected = (
  JSON.parse(readFileSync(join(fixturesDir, 'libonnx-testdata', 'expected.json'), 'utf8')) as {
    models: Record<string, { status: string; tolerance?: number }>;
  }
).models;

describe.skipIf(!available)('models of Debian libonnx-testdata: input gradients equal finite differences', () => {
  it('exactly the expected models pass, each within its tolerance; the rest keep their classification', async () => {
    const statuses: Record<string, string> = {};
    const tooFar: string[] = [];
    let seed = 1;
    for (const [name, dir] of libonnxModels()) {
      const tolerance = expected[name]?.tolerance ?? 0;
      const result = await checkModel(dir, seed++, tolerance);
      statuses[name] = result.status;
      if (result.deviation !== undefined && !(result.deviation <= tolerance)) {
        tooFar.push(`${name}: deviation ${result.deviation.toExponential(2)} > tolerance ${tolerance.toExponential(1)} at ${result.where}`);
      }
    }
    const passing = (table: Record<string, string>): Set<string> => new Set(Object.keys(table).filter((n) => table[n]?.startsWith('pass')));
    const expectedStatuses = Object.fromEntries(Object.entries(expected).map(([n, e]) => [n, e.status]));
    const [now, before] = [passing(statuses), passing(expectedStatuses)];
    expect(
      [...before].filter((n) => !now.has(n)),
      'models that no longer pass',
    ).toEqual([]);
    expect(
      [...now].filter((n) => !before.has(n)),
      'models that now pass (add them to expected.json: pnpm measure:tolerances)',
    ).toEqual([]);
    expect(statuses).toEqual(expectedStatuses);
    expect(tooFar).toEqual([]);
  }, 240_000);
});
