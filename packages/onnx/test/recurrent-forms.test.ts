import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectMatches } from './helpers/finite-differences.js';
import { recurrentDir } from './helpers/recurrent.js';
import { runForm } from './helpers/recurrent-forms.js';
import { maxAbs } from './helpers/random.js';
import { recurrentFormCases } from './op-cases/recurrent.js';

interface MeasuredInput {
  readonly tolerance: number;
  readonly webTolerance: number;
}

interface MeasuredForm {
  readonly forwardTolerance: number;
  readonly inputs: Readonly<Record<string, MeasuredInput>>;
}

// Tolerances: 4× the deviations measured by test/measure/recurrent-deviations.measure.ts, which
// also checks that each gradient deviation is the difference quotient's own error.
const measured = (JSON.parse(readFileSync(join(recurrentDir, 'tolerances.json'), 'utf8')) as { forms: Record<string, MeasuredForm> }).forms;

function measuredFor(name: string): MeasuredForm {
  const m = measured[name];
  if (!m) throw new Error(`no measured tolerance for "${name}": run pnpm --filter @ig/onnx measure:tolerances`);
  return m;
}

describe('recurrent forms torch does not export: the unrolled graph and its gradients', () => {
  it.each(recurrentFormCases.map((c, i) => [c.name, c, i] as const))('%s', async (name, c, index) => {
    const run = await runForm(c, index);
    const m = measuredFor(name);
    // The unrolled graph's outputs equal onnxruntime's LSTM/GRU/RNN kernel's (its layout-0 twin's for layout 1).
    expect(run.forward.node).toBeLessThanOrEqual(m.forwardTolerance);
    expect(run.forward.web).toBeLessThanOrEqual(m.forwardTolerance);
    expect(run.inputs.map((k) => k.input).sort()).toEqual(Object.keys(m.inputs).sort());
    for (const k of run.inputs) {
      const tolerances = m.inputs[k.input] as MeasuredInput;
      expect(maxAbs(k.gradient)).toBeGreaterThan(0);
      expectMatches(k.gradient, k.diffs, tolerances.tolerance * k.scale, c.kinked);
      for (let i = 0; i < k.gradient.length; i++)
        expect(Math.abs((k.gradient[i] as number) - (k.web[i] as number))).toBeLessThanOrEqual(tolerances.webTolerance * k.scale);
    }
  });
});
