import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attribute, smoothIntegratedGradients } from '@ig/core';
import { noiseTunnelCases } from '@ig/test-fixtures';
import { tfjsBackend } from '../src/index.js';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import { buildSmallCnn, loadReference, nchwToNhwc, nhwcToNchw } from './helpers/reference.js';

const [smoothCase] = noiseTunnelCases();
if (smoothCase === undefined) throw new Error('the Captum manifest has no NoiseTunnel case');

/** One image [1, 1, 28, 28] NCHW → NHWC. */
const nhwc = (data: Float32Array): Float32Array => nchwToNhwc(data, [1, 1, 28, 28]);

describe.each(NODE_BACKENDS)('SmoothGrad on tfjs %s', (backendName) => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await useBackend(backendName);
    model = buildSmallCnn();
  });
  afterAll(() => model.dispose());

  test(`replaying the noise Captum drew reproduces ${smoothCase.id}`, async () => {
    const input = loadReference(smoothCase.input_file);
    const baseline = loadReference(smoothCase.baseline_file);
    const noise = loadReference(smoothCase.noise_file); // [samples, 1, 28, 28]
    const pixels = 28 * 28;
    expect(noise.shape).toEqual([smoothCase.nt_samples, 1, 28, 28]);
    const result = await smoothIntegratedGradients(
      tfjsBackend(model),
      { data: nhwc(input.data), shape: [1, 28, 28, 1] },
      {
        baselines: { data: nhwc(baseline.data), shape: [1, 28, 28, 1] },
        target: smoothCase.target,
        method: 'gauss-legendre',
        steps: smoothCase.n_steps,
        kind: 'smoothgrad',
        samples: smoothCase.nt_samples,
        noise: (sample) => nhwc(noise.data.subarray(sample * pixels, (sample + 1) * pixels)),
      },
    );
    const ours = nhwcToNchw(result.attributions[0]?.data ?? new Float32Array(), [1, 28, 28, 1]);
    const reference = loadReference(smoothCase.attribution_file).data;
    const scale = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const l1 = reference.reduce((s, v) => s + Math.abs(v), 0);
    let worst = 0;
    ours.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (reference[i] as number)))));
    const sumError = Math.abs(ours.reduce((s, v) => s + v, 0) - reference.reduce((s, v) => s + v, 0));
    if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ backend: backendName, attr: worst / scale, sum: sumError / l1 }));
    expect(result.sampleReports).toHaveLength(smoothCase.nt_samples);
    // float32: measured 2.0e-7 of max |attr| and 1.2e-7 of Σ|attr| on both backends.
    expect(worst / scale).toBeLessThan(1e-6);
    expect(sumError / l1).toBeLessThan(5e-7);
  });

  test(`noise over any method (attribute with noise over integrated-gradients) reproduces ${smoothCase.id} too`, async () => {
    const input = loadReference(smoothCase.input_file);
    const baseline = loadReference(smoothCase.baseline_file);
    const noise = loadReference(smoothCase.noise_file);
    const pixels = 28 * 28;
    const result = await attribute(
      tfjsBackend(model),
      { data: nhwc(input.data), shape: [1, 28, 28, 1] },
      {
        algorithm: 'integrated-gradients',
        baselines: { data: nhwc(baseline.data), shape: [1, 28, 28, 1] },
        target: smoothCase.target,
        steps: smoothCase.n_steps,
        noise: { kind: 'smoothgrad', samples: smoothCase.nt_samples, replay: (sample) => nhwc(noise.data.subarray(sample * pixels, (sample + 1) * pixels)) },
      },
    );
    const ours = nhwcToNchw(result.attributions[0]?.data ?? new Float32Array(), [1, 28, 28, 1]);
    const reference = loadReference(smoothCase.attribution_file).data;
    const scale = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    let worst = 0;
    ours.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (reference[i] as number)))));
    if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ backend: backendName, generic: worst / scale }));
    // The same IG per sample as smoothIntegratedGradients: measured 2.0e-7 of max |attr|.
    expect(worst / scale).toBeLessThan(1e-6);
  });
});
