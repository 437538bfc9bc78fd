import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '@ig/test-fixtures';
import { createOnnxBackend } from '../src/index.js';
import { modelBytes, recurrentCases, recurrentDeviation, recurrentDir, recurrentModels } from './helpers/recurrent.js';
import { defaultProvider, runtimes } from './helpers/ort.js';
import { maxAbs } from './helpers/random.js';

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

describe('recurrent models through createOnnxBackend (probe, batch extrapolation, gradient graph)', () => {
  // The batch-first models whose only input is the sequence: points are its rows.
  const batchFirst = ['lstm_uni2_bf', 'gru_uni2_bf'].flatMap((name) => (['node', 'web'] as const).map((runtime) => [name, runtime] as const));
  it.each(batchFirst)('%s on onnxruntime-%s: gradients of the target logits equal torch autograd', async (name, runtime) => {
    const c = recurrentCases[name] as (typeof recurrentCases)[string];
    const x = readNpy(join(recurrentDir, c.inputs?.x as string));
    const expected = readNpy(join(recurrentDir, c.gradients?.x as string)).data;
    const backend = await createOnnxBackend(runtimes[runtime], `onnxruntime-${runtime}`, modelBytes(c, '17'), {
      executionProviders: [defaultProvider[runtime]],
    });
    const count = x.shape[0] as number;
    const classes = 4;
    const outputWeights = Float32Array.from({ length: count * classes }, (_, i) => (i % classes === c.targets[Math.floor(i / classes)] ? 1 : 0));
    const response = await backend.gradients({ points: [x.data], pointShapes: [x.shape.slice(1)], count, outputWeights });
    await backend.dispose();
    const got = response.gradients[0] as Float32Array;
    let error = 0;
    for (let i = 0; i < expected.length; i++) error = Math.max(error, Math.abs((got[i] as number) - (expected[i] as number)));
    const m = measuredFor(`${name} opset 17`);
    expect(error / maxAbs(expected)).toBeLessThanOrEqual(runtime === 'node' ? m.tolerance : m.webTolerance);
  });
});
