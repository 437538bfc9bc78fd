import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor, type QuadratureMethod } from '@ig/core';
import { createOnnxBackend, type OnnxBackend } from '../src/index.js';
import { captumCases as cases, expectCaptumParity, loadCase, type CaptumCase as Case } from './helpers/captum.js';
import { fixtureBytes } from './helpers/fixtures.js';
import { defaultProvider, runtimes } from './helpers/ort.js';

const backends = new Map<string, Promise<OnnxBackend>>();
function backendFor(runtime: 'node' | 'web', modelFile: string, fused: boolean): Promise<OnnxBackend> {
  const key = `${runtime}:${modelFile}:${fused}`;
  let backend = backends.get(key);
  if (!backend) {
    backend = createOnnxBackend(runtimes[runtime], `onnxruntime-${runtime}`, fixtureBytes('captum', modelFile), {
      executionProviders: [defaultProvider[runtime]],
      fused,
    });
    backends.set(key, backend);
  }
  return backend;
}

const builtIn: Record<string, QuadratureMethod> = {
  gausslegendre: 'gauss-legendre',
  riemann_left: 'riemann-left',
  riemann_right: 'riemann-right',
  riemann_middle: 'riemann-middle',
  riemann_trapezoid: 'riemann-trapezoid',
};

/**
 * Runs one manifest case and checks its tolerances: with Captum's exact alphas and step sizes,
 * or with @ig/core's own rule of the same name (Captum's trapezoid weights sum to (n−1)/n, so
 * its result is compared with (n−1)/n × ours).
 */
async function checkCase(c: Case, runtime: 'node' | 'web', fused: boolean, ruleSource: 'captum' | 'core' = 'captum'): Promise<void> {
  const { input, baseline, rule } = loadCase(c);
  const backend = await backendFor(runtime, c.model_file, fused);
  const result = await integratedGradients(backend, tensor(input.data, input.shape), {
    baselines: tensor(baseline.data, baseline.shape),
    target: c.target,
    ...(ruleSource === 'captum' ? { method: rule } : { method: builtIn[c.method], steps: c.n_steps }),
  });
  const scale = ruleSource === 'core' && c.method === 'riemann_trapezoid' ? (c.n_steps - 1) / c.n_steps : 1;
  const attribution = (result.attributions[0]?.data as Float32Array).map((v) => v * scale);
  expectCaptumParity(c, attribution, ruleSource === 'captum' ? result.reports.map((r) => r.delta) : undefined);
}

describe('Captum parity on onnxruntime-node (fused path graph)', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await checkCase(c, 'node', true);
    expect((await backendFor('node', c.model_file, true)).name).toBe('onnxruntime-node/cpu');
  });
});

describe('Captum parity on onnxruntime-node (per-batch gradient graph)', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await checkCase(c, 'node', false);
  });
});

describe('Captum parity on onnxruntime-web (wasm in Node)', () => {
  const subset = cases.filter((c) => c.method === 'gausslegendre' || c.method === 'riemann_trapezoid');
  it.each(subset.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await checkCase(c, 'web', true);
    expect((await backendFor('web', c.model_file, true)).name).toBe('onnxruntime-web/wasm');
  });
});

describe("Captum parity with @ig/core's built-in quadrature rules (onnxruntime-node)", () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await checkCase(c, 'node', true, 'core');
  });
});
