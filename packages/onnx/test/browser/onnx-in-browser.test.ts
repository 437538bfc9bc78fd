import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundle, chromiumAvailable, openPage, type BrowserSession } from '@ig/browser-harness';
import { integratedGradients, tensor } from '@ig/core';
import { captumCase, captumScales, expectCaptumParity, loadCase, modelBytes, type Deviation } from '../helpers/captum.js';
import { makeModel } from '../helpers/model.js';
import { rng, uniform } from '../helpers/random.js';
import { onnxBackend as nodeBackend } from '../../src/node.js';
import type { PageRequest, PageResult } from './page.js';

/** onnxruntime-web's dist/: the wasm binaries and loaders (the WebGPU EP needs the .jsep ones). */
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));

/**
 * Captum cases run in the page, kept small because WebGPU on SwiftShader is slow: both models,
 * Gauss–Legendre and Riemann rules, 32 and 50 steps, a batch of three examples, the fused
 * `integrate` graph and the per-batch gradient graph. The trapezoid case starts at α = 0 on a
 * constant baseline, where max-pool windows tie (the first maximum must win on the GPU too).
 */
interface BrowserCase {
  readonly id: string;
  readonly fused: boolean;
  /**
   * Tolerances relative to max |Captum attribution| (attr) and Σ |Captum attribution| (sum,
   * delta): 4× the larger deviation measured on WebGPU (SwiftShader) and wasm in Chromium, or one
   * float32 ulp, rounded up to one digit. The measured deviations are in the comments.
   */
  readonly attr: number;
  readonly sum: number;
  readonly delta: number;
}

const CASES: readonly BrowserCase[] = [
  // measured attr 1.1e-7, sum 1.1e-7, delta 7.4e-8
  { id: 'iris_mlp/c0_gausslegendre_50', fused: true, attr: 5e-7, sum: 5e-7, delta: 5e-7 },
  // measured attr 1.9e-7, sum 2.1e-8, delta 1.1e-7
  { id: 'iris_mlp/batch3_gausslegendre_50', fused: true, attr: 8e-7, sum: 5e-7, delta: 5e-7 },
  // measured attr 2.4e-7, sum 4.4e-8, delta 1.1e-7
  { id: 'iris_mlp/c1_riemann_left_32', fused: false, attr: 1e-6, sum: 5e-7, delta: 5e-7 },
  // measured attr 2.9e-7, sum 1.3e-8, delta 4.4e-7
  { id: 'small_cnn/c2_gausslegendre_50', fused: true, attr: 2e-6, sum: 5e-7, delta: 2e-6 },
  // measured attr 3.6e-7, sum 1.7e-7, delta 1.8e-6
  { id: 'small_cnn/c1_riemann_trapezoid_50', fused: true, attr: 2e-6, sum: 7e-7, delta: 8e-6 },
  // measured attr 1.6e-7, sum 2.4e-8, delta 2.3e-6
  { id: 'small_cnn/c0_riemann_middle_32', fused: false, attr: 7e-7, sum: 5e-7, delta: 1e-5 },
];

/**
 * onnxruntime-web 1.30's WebGPU EP (JSEP) has no kernel for And, Or, Max, Sum or Sign (found in
 * Chromium by placing one-node models on the EP; Where, Greater, Equal, Not, Cast and Add have
 * kernels). ONNX Runtime would run such nodes on its CPU EP inside the WebGPU session, copying
 * tensors GPU → CPU → GPU, so the gradient graphs avoid them and no node may land on the CPU EP.
 */

function requestFor(id: string, provider: PageRequest['provider'], fused: boolean): PageRequest {
  const c = captumCase(id);
  const { input, baseline, rule } = loadCase(c);
  return {
    model: c.model,
    bytes: Array.from(modelBytes(c)),
    provider,
    fused,
    input: { data: Array.from(input.data), shape: input.shape },
    baseline: { data: Array.from(baseline.data), shape: baseline.shape },
    target: c.target,
    method: rule,
    logPlacements: provider === 'webgpu',
  };
}

/**
 * The MaxPool forms the Captum CNN (2×2 stride 2) does not reach: GoogLeNet's same-size 3×3
 * stride-1 pool (its gradient shifts the flattened tensor) and its 3×3 stride-2 ceil-mode pool
 * (which onnxruntime-web's WebGPU MaxPool cannot run, so the backend rewrites it into explicit
 * pads and a floor-mode pool), and ResNet's 3×3 stride-2 pad-1 stem pool, on inputs rounded to a
 * few levels so that windows tie; then a linear head.
 */
function poolingRequest(provider: PageRequest['provider']): { request: PageRequest; bytes: Uint8Array } {
  const random = rng(41);
  const bytes = makeModel({
    opset: 13,
    inputs: { x: [1, 2, 7, 9] },
    constants: { w: { dims: [3, 64], values: Array.from(uniform(random, 192)) } },
    nodes: [
      { op: 'MaxPool', inputs: ['x'], outputs: ['same'], attributes: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } } },
      {
        op: 'MaxPool',
        inputs: ['same'],
        outputs: ['stem'],
        attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] } },
      },
      { op: 'MaxPool', inputs: ['same'], outputs: ['ceil'], attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, ceil_mode: { int: 1 } } },
      { op: 'Flatten', inputs: ['stem'], outputs: ['stemFlat'] },
      { op: 'Flatten', inputs: ['ceil'], outputs: ['ceilFlat'] },
      { op: 'Concat', inputs: ['stemFlat', 'ceilFlat'], outputs: ['flat'], attributes: { axis: { int: 1 } } },
      { op: 'Gemm', inputs: ['flat', 'w'], outputs: ['y'], attributes: { transB: { int: 1 } } },
    ],
    outputs: ['y'],
  });
  const input = Array.from(uniform(random, 126), (v) => Math.round(v * 2) / 2);
  const steps = 8;
  return {
    bytes,
    request: {
      model: 'pooling',
      bytes: Array.from(bytes),
      provider,
      fused: false,
      input: { data: input, shape: [1, 2, 7, 9] },
      baseline: { data: input.map(() => -0.25), shape: [1, 2, 7, 9] },
      target: 1,
      method: { alphas: Array.from({ length: steps }, (_, k) => (k + 0.5) / steps), weights: new Array<number>(steps).fill(1 / steps) },
      logPlacements: provider === 'webgpu',
    },
  };
}

interface Placements {
  /** Sessions whose placement was logged. */
  sessions: number;
  /** Sessions with every node on the CPU EP. */
  allOnCpu: number;
  /** Nodes per execution provider. */
  readonly nodes: Map<string, number>;
  /** Op types of the nodes placed on the CPU EP (listed by ONNX Runtime for mixed sessions). */
  readonly cpuOps: Map<string, number>;
}

/** Reads ONNX Runtime's verbose node-placement lines (session_state.cc VerifyEachNodeIsAssignedToAnEp). */
function parsePlacements(lines: readonly string[]): Placements {
  const result: Placements = { sessions: 0, allOnCpu: 0, nodes: new Map(), cpuOps: new Map() };
  let provider: string | undefined;
  const mark = 'VerifyEachNodeIsAssignedToAnEp]';
  for (const line of lines) {
    const at = line.indexOf(mark);
    if (at < 0) continue;
    const text = line.slice(at + mark.length);
    const header = /^\s+(All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/.exec(text);
    const node = /^\s{3}(\w+) \(/.exec(text);
    if (text.includes('Node placements')) {
      result.sessions++;
      provider = undefined;
    } else if (header) {
      provider = header[2] as string;
      result.nodes.set(provider, (result.nodes.get(provider) ?? 0) + Number(header[3]));
      if (header[1] === 'All nodes' && provider === 'CPUExecutionProvider') result.allOnCpu++;
    } else if (node && provider === 'CPUExecutionProvider') {
      const op = node[1] as string;
      result.cpuOps.set(op, (result.cpuOps.get(op) ?? 0) + 1);
    }
  }
  return result;
}

describe.skipIf(!chromiumAvailable())('@ig/onnx on onnxruntime-web in Chromium (Captum parity)', () => {
  let session: BrowserSession;
  let adapter: string | null = null;
  const consoleLines: string[] = [];
  const summary: string[] = [];
  const cpuOps = new Map<string, number>();
  const backendsSeen = new Set<string>();

  beforeAll(async () => {
    const script = await bundle(fileURLToPath(new URL('./page.ts', import.meta.url)));
    session = await openPage({
      files: { '/': '<!doctype html><meta charset="utf-8"><title>@ig/onnx</title><script type="module" src="/page.js"></script>', '/page.js': script },
      directories: { '/ort/': ortDist },
      webgpu: true,
      ready: 'typeof window.runIntegratedGradients === "function"',
    });
    session.page.on('console', (message) => consoleLines.push(message.text()));
    adapter = (await session.page.evaluate(
      'navigator.gpu ? navigator.gpu.requestAdapter().then((a) => a && `${a.info.vendor} ${a.info.architecture}`) : null',
    )) as string | null;
  });
  afterAll(async () => {
    if (session === undefined) return;
    await session.page.evaluate(() => window.disposeAll());
    await session.close();
    const ops = [...cpuOps].map(([op, n]) => `${op} ×${n}`).join(', ');
    console.log(`WebGPU adapter: ${adapter ?? 'none'}\n${summary.join('\n')}\nnodes the WebGPU EP left to its CPU EP (no WebGPU kernel): ${ops || 'none'}`);
  });

  for (const provider of ['webgpu', 'wasm'] as const) {
    test.each(CASES)(`${provider}: $id (fused $fused)`, async ({ id, fused, attr, sum, delta }) => {
      if (provider === 'webgpu') expect(adapter, 'Chromium offers no WebGPU adapter').toBeTruthy();
      const key = `${captumCase(id).model}:${provider}:${fused}`;
      const newBackend = !backendsSeen.has(key);
      backendsSeen.add(key);
      const mark = consoleLines.length;
      const result: PageResult = await session.page.evaluate((r) => window.runIntegratedGradients(r), requestFor(id, provider, fused));

      // The provider asked for is the one that ran (ONNX Runtime throws rather than falling back).
      expect(result.backend).toBe(`onnxruntime-web/${provider}`);
      expect(result.fused).toBe(fused);
      const scales = captumScales(captumCase(id));
      const tolerance = { attr: attr * scales.max, sum: sum * scales.l1, delta: delta * scales.l1 };
      const deviation: Deviation = expectCaptumParity(captumCase(id), result.attribution, result.deltas, tolerance);
      summary.push(
        `${provider.padEnd(6)} ${id.padEnd(34)} ${fused ? 'fused  ' : 'batched'} max |Δattr| ${deviation.maxError.toExponential(2)}, ` +
          `|ΔΣattr| ${deviation.sumError.toExponential(2)}, max |Δdelta| ${(deviation.deltaError ?? NaN).toExponential(2)}`,
      );

      if (provider === 'webgpu' && newBackend) {
        // The sessions this backend created put their nodes on the WebGPU EP, except ops it has no kernel for.
        const placements = parsePlacements(consoleLines.slice(mark));
        expect(placements.sessions).toBeGreaterThan(0);
        expect(placements.allOnCpu).toBe(0);
        expect(placements.nodes.get('JsExecutionProvider') ?? 0).toBeGreaterThan(0);
        for (const [op, n] of placements.cpuOps) cpuOps.set(op, (cpuOps.get(op) ?? 0) + n);
        expect([...placements.cpuOps.keys()], 'ops the WebGPU EP left to its CPU EP: use ops with WebGPU kernels').toEqual([]);
      }
    });
  }
  test('webgpu: the MaxPool gradients of GoogLeNet (ceil mode included) and ResNet forms match onnxruntime-node, all nodes on WebGPU', async () => {
    expect(adapter, 'Chromium offers no WebGPU adapter').toBeTruthy();
    const { request, bytes } = poolingRequest('webgpu');
    const mark = consoleLines.length;
    const result: PageResult = await session.page.evaluate((r) => window.runIntegratedGradients(r), request);
    const placements = parsePlacements(consoleLines.slice(mark));
    // One session runs wholly on wasm: the probe that finds the ceil-mode pool's input shape.
    expect(placements.allOnCpu).toBe(1);
    expect(placements.nodes.get('JsExecutionProvider') ?? 0).toBeGreaterThan(0);
    expect([...placements.cpuOps.keys()], 'ops the WebGPU EP left to its CPU EP').toEqual([]);

    const backend = await nodeBackend(bytes, { fused: false });
    const reference = await integratedGradients(backend, tensor(Float32Array.from(request.input.data), request.input.shape), {
      baselines: tensor(Float32Array.from(request.baseline.data), request.baseline.shape),
      target: request.target as number,
      method: request.method,
    });
    await backend.dispose();
    const expected = reference.attributions[0]?.data as Float32Array;
    expect(result.attribution.length).toBe(expected.length);
    const scale = Math.max(...Array.from(expected, Math.abs));
    expect(scale).toBeGreaterThan(0);
    let deviation = 0;
    for (let i = 0; i < expected.length; i++) deviation = Math.max(deviation, Math.abs((result.attribution[i] as number) - (expected[i] as number)) / scale);
    summary.push(`webgpu pooling forms vs onnxruntime-node: max |Δattr| / max|attr| ${deviation.toExponential(2)}`);
    // Measured 0 (the same float32 numbers as onnxruntime-node); 5e-7 is 4 float32 ulps of the scale.
    expect(deviation).toBeLessThanOrEqual(5e-7);
  });
});
