import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { integratedGradients, tensor, type QuadratureMethod } from '@ig/core';
import { createOnnxBackend, type OnnxBackend } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { readNpy } from './helpers/npy.js';
import { defaultProvider, runtimes } from './helpers/ort.js';

interface Case {
  readonly id: string;
  readonly model: string;
  readonly model_file: string;
  readonly algorithm: string;
  readonly input_file: string;
  readonly baseline_file: string;
  readonly attribution_file: string;
  readonly target: number | number[];
  readonly method: string;
  readonly n_steps: number;
  readonly delta?: number | number[];
  readonly tolerance: { attr_max_abs_err: number; sum_abs_err: number; delta_abs_err?: number };
}

const root = join(fixturesDir, 'captum');
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { cases: Case[] };
const rules = (JSON.parse(readFileSync(join(root, 'integration_rules.json'), 'utf8')) as {
  rules: Record<string, { alphas: number[]; step_sizes: number[] }>;
}).rules;
const cases = manifest.cases.filter((c) => c.algorithm === 'IntegratedGradients');

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
  const x = readNpy(join(root, c.input_file));
  const baseline = readNpy(join(root, c.baseline_file));
  const expected = readNpy(join(root, c.attribution_file));
  const rule = rules[`${c.method}_${c.n_steps}`];
  if (!rule) throw new Error(`no integration rule for ${c.method}_${c.n_steps}`);
  const backend = await backendFor(runtime, c.model_file, fused);
  const result = await integratedGradients(backend, tensor(x.data, x.shape), {
    baselines: tensor(baseline.data, baseline.shape),
    target: c.target,
    ...(ruleSource === 'captum' ? { method: { alphas: rule.alphas, weights: rule.step_sizes } } : { method: builtIn[c.method], steps: c.n_steps }),
  });
  const scale = ruleSource === 'core' && c.method === 'riemann_trapezoid' ? (c.n_steps - 1) / c.n_steps : 1;
  const attribution = (result.attributions[0]?.data as Float32Array).map((v) => v * scale);
  expect(attribution.length).toBe(expected.data.length);
  let maxError = 0;
  let sum = 0;
  let expectedSum = 0;
  for (let i = 0; i < attribution.length; i++) {
    maxError = Math.max(maxError, Math.abs((attribution[i] as number) - (expected.data[i] as number)));
    sum += attribution[i] as number;
    expectedSum += expected.data[i] as number;
  }
  expect(maxError).toBeLessThanOrEqual(c.tolerance.attr_max_abs_err);
  expect(Math.abs(sum - expectedSum)).toBeLessThanOrEqual(c.tolerance.sum_abs_err);
  if (ruleSource === 'captum' && c.delta !== undefined && c.tolerance.delta_abs_err !== undefined) {
    const deltas = Array.isArray(c.delta) ? c.delta : [c.delta];
    result.reports.forEach((report, i) => expect(Math.abs(report.delta - (deltas[i] as number))).toBeLessThanOrEqual(c.tolerance.delta_abs_err as number));
  }
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
