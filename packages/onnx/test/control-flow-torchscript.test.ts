import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { integratedGradients, tensor } from '@ig/core';
import { createOnnxBackend } from '../src/index.js';
import { gradientOf, runtimes } from './helpers/ort.js';
import { maxAbs } from './helpers/random.js';

/**
 * A scripted recurrent classifier exported by torch 1.13 at opset 13 with its TorchScript control
 * flow (scripts/control_flow_reference.py): a Loop of 5 steps carrying the hidden state and an If
 * on x.shape[1] > 3, against the gradient of one logit by torch autograd in float64.
 */
const dir = join(import.meta.dirname, 'fixtures', 'control-flow');
const bytes = new Uint8Array(readFileSync(join(dir, 'scripted_rnn.onnx')));
const reference = JSON.parse(readFileSync(join(dir, 'scripted_rnn_reference.json'), 'utf8')) as {
  target: number;
  input: number[];
  dims: number[];
  logits: number[];
  gradient: number[];
};
const x = Float32Array.from(reference.input);

// Measured: logits within 4.2e-8 of torch's, the input gradient within 9.0e-8 of torch's float64 one
// relative to its largest element (0.37), the completeness delta 8.1e-8 at 64 Gauss–Legendre
// nodes (a smooth path: tanh and sigmoid only), onnxruntime-web's gradient within 8.1e-8 of
// onnxruntime-node's (relative): float32 rounding. Tolerances about 5×.
const LOGIT_TOLERANCE = 2e-7;
const GRADIENT_TOLERANCE = 5e-7;
const DELTA_TOLERANCE = 5e-7;
const oneHot = (n: number): Float32Array => {
  const seed = new Float32Array(n);
  seed[reference.target] = 1;
  return seed;
};

describe('a TorchScript export with a Loop and an If (inlined before differentiation)', () => {
  it("gives torch's float64 input gradient of one logit", async () => {
    const run = await gradientOf(runtimes.node, bytes, { x: { data: x, dims: reference.dims } }, oneHot);
    let logitError = 0;
    run.output.forEach((v, i) => (logitError = Math.max(logitError, Math.abs(v - (reference.logits[i] as number)))));
    const gradient = run.gradients.x as Float32Array;
    const scale = maxAbs(reference.gradient);
    let error = 0;
    gradient.forEach((g, i) => (error = Math.max(error, Math.abs(g - (reference.gradient[i] as number)))));
    expect(logitError).toBeLessThan(LOGIT_TOLERANCE);
    expect(scale).toBeGreaterThan(0.1);
    expect(error / scale).toBeLessThan(GRADIENT_TOLERANCE);
  });

  it('gives the same gradient on onnxruntime-web (wasm)', async () => {
    const feeds = { x: { data: x, dims: reference.dims } };
    const onNode = (await gradientOf(runtimes.node, bytes, feeds, oneHot)).gradients.x as Float32Array;
    const onWeb = (await gradientOf(runtimes.web, bytes, feeds, oneHot, { provider: 'wasm' })).gradients.x as Float32Array;
    let error = 0;
    onWeb.forEach((g, i) => (error = Math.max(error, Math.abs(g - (onNode[i] as number)))));
    expect(error / maxAbs(onNode)).toBeLessThan(GRADIENT_TOLERANCE);
  });

  it('meets completeness through the library (integratedGradients on createOnnxBackend)', async () => {
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes);
    const result = await integratedGradients(backend, tensor(x, reference.dims), { target: reference.target, steps: 64 });
    const report = result.reports[0];
    expect(Math.abs(report?.delta ?? Infinity)).toBeLessThan(DELTA_TOLERANCE);
    await backend.dispose();
  });
});
