import { integratedGradients, tensor, type QuadratureMethod } from '@ig/core';
import { captumModelBytes, type CaptumModel } from '@ig/test-fixtures';
import { createOnnxBackend, type OnnxBackend } from '../../src/index.js';
import { loadCase, type CaptumCase } from './captum.js';
import { defaultProvider, runtimes } from './ort.js';

/** The ways captum-parity.test.ts runs a Captum case. */
export const PATHS = ['node-fused', 'node-batched', 'web-fused', 'node-core-rule'] as const;
export type CaptumPath = (typeof PATHS)[number];

const backends = new Map<string, Promise<OnnxBackend>>();
export function backendFor(runtime: 'node' | 'web', model: CaptumModel, fused: boolean): Promise<OnnxBackend> {
  const key = `${runtime}:${model}:${fused}`;
  let backend = backends.get(key);
  if (!backend) {
    backend = createOnnxBackend(runtimes[runtime], `onnxruntime-${runtime}`, captumModelBytes(model), {
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

/** Whether a path runs a case (onnxruntime-web runs the Gauss–Legendre and trapezoid cases). */
export const runsCase = (c: CaptumCase, path: CaptumPath): boolean => path !== 'web-fused' || c.method === 'gausslegendre' || c.method === 'riemann_trapezoid';

/**
 * Runs one manifest case: with Captum's exact alphas and step sizes, or (node-core-rule) with
 * @ig/core's own rule of the same name (Captum's trapezoid weights sum to (n−1)/n, so that
 * result is scaled by (n−1)/n). Deltas are compared only with Captum's exact rule.
 */
export async function runCase(c: CaptumCase, path: CaptumPath): Promise<{ attribution: Float32Array; deltas?: number[] }> {
  const { input, baseline, rule } = loadCase(c);
  const runtime = path.startsWith('web') ? 'web' : 'node';
  const backend = await backendFor(runtime, c.model, path !== 'node-batched');
  const core = path === 'node-core-rule';
  const result = await integratedGradients(backend, tensor(input.data, input.shape), {
    baselines: tensor(baseline.data, baseline.shape),
    target: c.target,
    ...(core ? { method: builtIn[c.method], steps: c.n_steps } : { method: rule }),
  });
  const scale = core && c.method === 'riemann_trapezoid' ? (c.n_steps - 1) / c.n_steps : 1;
  const attribution = (result.attributions[0]?.data as Float32Array).map((v) => v * scale);
  return core ? { attribution } : { attribution, deltas: result.reports.map((r) => r.delta) };
}
