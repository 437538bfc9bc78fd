import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recurrentDeviation, recurrentDir, recurrentModels } from './helpers/recurrent.js';
import { runtimes } from './helpers/ort.js';

interface Measured {
  readonly tolerance: number;
  readonly webTolerance: number;
  readonly logitTolerance: number;
}

// nn.LSTM, nn.GRU and nn.RNN (tanh, relu) with a Linear head on the output sequence and the
// final states: unidirectional and bidirectional, 1 and 2 layers, batch_first or not, initial
// states as inputs or zero; and a text classifier (Embedding → bidirectional LSTM → Linear)
// differentiated at its embedding output; exported by torch at opset 13 and 17
// (scripts/recurrent_references.py). The truth is torch autograd in float64 on the same float32
// weights (references.json: torch's own float32 gradient is 2.8e-8 to 2.7e-7 off it). Tolerances
// are 4× the deviation measured by test/measure/recurrent-deviations.measure.ts, rounded up.
const measured = (JSON.parse(readFileSync(join(recurrentDir, 'tolerances.json'), 'utf8')) as { torch: Record<string, Measured> }).torch;

function measuredFor(key: string): Measured {
  const m = measured[key];
  if (!m) throw new Error(`no measured tolerance for "${key}": run pnpm --filter @ig/onnx measure:tolerances`);
  return m;
}

describe('recurrent models: input gradients equal torch autograd', () => {
  it.each(recurrentModels.map((m) => [m.key, m] as const))('%s (onnxruntime-node)', async (key, { c, opset }) => {
    const d = await recurrentDeviation(runtimes.node, c, opset);
    // Not a vanishing gradient: the smallest max |∂logit/∂input| of any input is 6.9e-3, far
    // above float32 rounding of the logits (~1e-8).
    expect(d.scale).toBeGreaterThan(5e-3);
    expect(d.gradient).toBeLessThanOrEqual(measuredFor(key).tolerance);
    expect(d.logit).toBeLessThanOrEqual(measuredFor(key).logitTolerance);
  });

  it.each(recurrentModels.map((m) => [m.key, m] as const))('%s (onnxruntime-web)', async (key, { c, opset }) => {
    const d = await recurrentDeviation(runtimes.web, c, opset, 'wasm');
    expect(d.gradient).toBeLessThanOrEqual(measuredFor(key).webTolerance);
    expect(d.logit).toBeLessThanOrEqual(measuredFor(key).logitTolerance);
  });
});
