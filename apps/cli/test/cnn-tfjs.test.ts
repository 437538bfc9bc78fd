import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captumPath } from '@ig/test-fixtures';
import { formatNpy } from '../src/npy.js';
import { readFloat32Npy, tempDir, writeSmallCnnTfjsModel } from './helpers.js';
import { captumCases, expectDeltaMatchesCaptum, expectMatchesCaptum, explainLikeCaptum, type ExampleReports } from './captum.js';

const cases = captumCases.filter((c) => c.model === 'small_cnn');

/** NCHW [1, 1, 28, 28] → NHWC [1, 28, 28, 1]: with one channel the numbers are the same. */
function asNhwc(path: string, dir: string): string {
  const array = readFloat32Npy(path);
  const out = join(dir, path.split('/').slice(-2).join('_'));
  writeFileSync(out, formatNpy(array.data, [1, 28, 28, 1]));
  return out;
}

describe('ig explain on the small CNN as a TensorFlow.js model (Captum reference)', () => {
  let dir: string;
  let model: string;
  beforeAll(async () => {
    dir = tempDir('cnn');
    model = await writeSmallCnnTfjsModel(join(dir, 'cnn'));
  });

  // The tfjs cpu kernels break max-pool ties as PyTorch does (first maximum), so the riemann-left
  // and trapezoid cases, whose α = 0 point sits on ties, match as tightly as the rest.
  it.each(cases.filter((c) => c.model === 'small_cnn' && (c.id.includes('/c0_') || c.method === 'gausslegendre')).map((c) => [c.id, c] as const))(
    '%s',
    (_id, c) => {
      const out = join(dir, `${c.id.replace('/', '_')}.npy`);
      const report = join(dir, `${c.id.replace('/', '_')}.json`);
      const run = explainLikeCaptum(c, {
        model,
        input: asNhwc(captumPath(c.input_file), dir),
        baseline: asNhwc(captumPath(c.baseline_file), dir),
        out,
        report,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const got = readFloat32Npy(out);
      expect(got.shape).toEqual([1, 28, 28, 1]);
      expectMatchesCaptum(got, c, 'tfjs');
      expectDeltaMatchesCaptum(JSON.parse(readFileSync(report, 'utf8')) as ExampleReports, c, 'tfjs');
    },
  );
});
