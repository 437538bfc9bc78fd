import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { createOnnxBackend } from '../src/index.js';
import { audioGradient, audioModel, audioReferences, audioWaveform } from './helpers/audio-stft.js';
import { gradientOf, runtimes } from './helpers/ort.js';
import { maxAbs } from './helpers/random.js';

// A small audio classifier whose spectrogram is an STFT node (n_fft 256, hop 64, Hann window) at
// opset 17, with torch's seeded weights (scripts/audio_stft_reference.py; torch 1.13 cannot export
// aten::stft, so the graph is built here). Truth: torch autograd in float64 on the same float32
// weights and input; torch's own float32 gradient is 1.7e-5 from it (relative to max |g|), the
// log of small powers amplifying rounding.
describe('audio classifier with an STFT spectrogram', () => {
  const bytes = audioModel();
  const target = audioReferences.target;

  it('input gradient of one logit equals torch autograd', async () => {
    const seedOf = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i === target ? 1 : 0));
    const run = await gradientOf(runtimes.node, bytes, { waveform: { data: audioWaveform.data, dims: audioWaveform.shape } }, seedOf);
    const got = run.gradients.waveform as Float32Array;
    expect(got.length).toBe(4000);
    const scale = maxAbs(audioGradient);
    let error = 0;
    for (let i = 0; i < got.length; i++) error = Math.max(error, Math.abs((got[i] as number) - (audioGradient[i] as number)));
    // Measured 1.4e-5 (torch's own float32 gradient: 1.7e-5); the logit 1.8e-8 from torch's.
    expect(error / scale).toBeLessThanOrEqual(4e-5);
    expect(Math.abs((run.output[target] as number) - (audioReferences.logits[target] as number))).toBeLessThanOrEqual(1e-6);
  });

  // The baseline is the waveform at 2% amplitude: from silence, log(power + 1e-6) turns within
  // |α| ~ 1e-3 of the baseline, which no fixed quadrature resolves. Along this path the ReLUs'
  // kinks leave a quadrature error that shrinks with the steps: measured 1.3e-2 of F(x) − F(x')
  // at 32 Gauss–Legendre points and 2.8e-3 at 128, bounded here at 6e-3.
  it('IG attributions add up to F(x) − F(baseline) (completeness)', async () => {
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes);
    try {
      const x = tensor(Float32Array.from(audioWaveform.data), [1, 4000]);
      const baseline = tensor(
        Float32Array.from(audioWaveform.data, (v) => 0.02 * v),
        [1, 4000],
      );
      const errors: number[] = [];
      for (const steps of [32, 128]) {
        const result = await integratedGradients(backend, x, { target, steps, baselines: baseline });
        const report = result.reports[0];
        expect(report?.fInput).toBeCloseTo(audioReferences.logits[target] as number, 5);
        expect(Math.abs((report?.fInput ?? 0) - (report?.fBaseline ?? 0))).toBeGreaterThan(1e-2);
        const sum = Array.from(result.attributions[0]?.data ?? [], Number).reduce((a, v) => a + v, 0);
        expect(sum).toBeCloseTo(report?.attributionSum ?? NaN, 6);
        errors.push(report?.relativeError ?? Infinity);
      }
      expect(errors[1]).toBeLessThanOrEqual(6e-3);
      expect(errors[1]).toBeLessThan((errors[0] as number) / 3);
    } finally {
      await backend.dispose();
    }
  }, 120_000);
});
