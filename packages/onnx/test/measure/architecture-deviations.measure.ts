/**
 * Measures the tiny architecture modules (test/fixtures/architectures, made by
 * scripts/architecture_references.py) against torch autograd and writes what
 * architecture-parity.test.ts allows: per model, the measured deviation of the input gradient
 * (max |ours − torch| / max |torch|) on onnxruntime-node and -web and of the target logit, each
 * with the tolerance derived from it (toleranceFor: 4× the deviation or one float32 ulp, rounded up).
 * Run: `pnpm --filter @ig/onnx measure:tolerances`.
 */
import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { architectureDeviation, architectureModels, architecturesDir } from '../helpers/architectures.js';
import { nodeAndWebTolerances } from './tolerance.js';

it('measures the architecture modules', async () => {
  const cases = await nodeAndWebTolerances(architectureModels, (ort, { c, opset }, provider) => architectureDeviation(ort, c, opset, provider));
  const file = join(architecturesDir, 'tolerances.json');
  writeFileSync(file, `${JSON.stringify({ method: 'test/measure/architecture-deviations.measure.ts', cases }, null, 1)}\n`);
}, 900_000);
