import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { integratedGradients, tensor } from '@ig/core';
import { createOnnxBackend } from '../src/index.js';
import { gradientOf, runtimes } from './helpers/ort.js';
import { maxAbs } from './helpers/random.js';

/**
 * A spatial transformer classifier (PyTorch's STN tutorial: localization net → theta →
 * affine_grid → grid_sample → classifier), exported by torch at opset 16 with seeded weights
 * (scripts/stn_reference.py), against the gradient of one logit by torch autograd in float64.
 */
const dir = join(import.meta.dirname, 'fixtures', 'stn');
const bytes = new Uint8Array(readFileSync(join(dir, 'stn.onnx')));
const reference = JSON.parse(readFileSync(join(dir, 'stn_reference.json'), 'utf8')) as {
  target: number;
  input: number[];
  dims: number[];
  logits: number[];
  gradient: number[];
};
const image = Float32Array.from(reference.input);

// Measured: logits within 9.1e-9 of torch's (|logit| < 0.12), the input gradient within 2.0e-6 of
// torch's float64 one relative to its largest element (4.6e-3): float32 rounding. Tolerances 5×.
const LOGIT_TOLERANCE = 5e-8;
const GRADIENT_TOLERANCE = 1e-5;
// The path from the black image crosses many kinks (ReLU, max-pool windows, bilinear pixel edges),
// so the quadrature converges slowly: measured |delta| 4.5e-5 at 64 Gauss–Legendre nodes, 3.4e-5
// at 256, 6.4e-6 at 1024 (F(x) − F(0) = 0.0130). At 256 nodes, 3× the measured delta.
const STEPS = 256;
const DELTA_TOLERANCE = 1e-4;
const oneHot = (n: number): Float32Array => {
  const seed = new Float32Array(n);
  seed[reference.target] = 1;
  return seed;
};

describe('a spatial transformer network (AffineGrid written out, GridSample bilinear)', () => {
  it("gives torch's float64 input gradient of one logit", async () => {
    const run = await gradientOf(runtimes.node, bytes, { image: { data: image, dims: reference.dims } }, oneHot);
    run.output.forEach((v, i) => expect(Math.abs(v - (reference.logits[i] as number))).toBeLessThan(LOGIT_TOLERANCE));
    const gradient = run.gradients.image as Float32Array;
    const scale = maxAbs(reference.gradient);
    expect(scale).toBeGreaterThan(1e-3);
    let error = 0;
    gradient.forEach((g, i) => (error = Math.max(error, Math.abs(g - (reference.gradient[i] as number)))));
    expect(error / scale).toBeLessThan(GRADIENT_TOLERANCE);
  });

  it('meets completeness through the library (integratedGradients on onnxBackend)', async () => {
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes);
    const result = await integratedGradients(backend, tensor(image, reference.dims), { target: reference.target, steps: STEPS });
    const report = result.reports[0];
    expect(Math.abs(report?.delta ?? Infinity)).toBeLessThan(DELTA_TOLERANCE);
    await backend.dispose();
  });
});
