/**
 * Differentiates every model of Debian's libonnx-testdata and writes what
 * libonnx-testdata.test.ts expects (test/fixtures/libonnx-testdata/expected.json): each model's
 * status (pass, or why it is not differentiated), and for passing models the measured deviation
 * from central differences (max |g − C(h)| / max(1, max|g|) over 24 sampled elements per input,
 * one-sided only at kinks, see isKink) and the tolerance derived from it (toleranceFor).
 * Run: `pnpm --filter @ig/onnx measure:tolerances` (with libonnx-testdata installed).
 */
import { expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkModel, LIBONNX_PACKAGE, libonnxModels, libonnxRoot } from '../helpers/libonnx.js';
import { toleranceFor } from './tolerance.js';

/** |forward − backward| above this (relative to the scale) marks a kink while measuring. */
const KINK = 1e-4;

it('measures every libonnx-testdata model', async () => {
  expect(existsSync(libonnxRoot), `install ${LIBONNX_PACKAGE}`).toBe(true);
  const version = execFileSync('dpkg-query', ['-W', '-f', '${Version}', LIBONNX_PACKAGE], { encoding: 'utf8' });
  const models: Record<string, { status: string; deviation?: number; tolerance?: number }> = {};
  let seed = 1;
  for (const [name, dir] of libonnxModels()) {
    const r = await checkModel(dir, seed++, KINK);
    models[name] =
      r.deviation === undefined
        ? { status: r.status }
        : { status: r.status, deviation: Number(r.deviation.toPrecision(2)), tolerance: toleranceFor(r.deviation) };
  }
  const file = join(import.meta.dirname, '..', 'fixtures', 'libonnx-testdata', 'expected.json');
  writeFileSync(
    file,
    `${JSON.stringify({ package: `${LIBONNX_PACKAGE} ${version}`, method: 'test/measure/libonnx-deviations.measure.ts', models }, null, 1)}\n`,
  );
}, 900_000);
