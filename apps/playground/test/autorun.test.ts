/**
 * The automation contract on the built site in Chromium: `?model=&sample=&engine=&steps=&autorun=1`
 * runs on load, and the attributions equal the Node result for the same model and input.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { cliImageInput, nodeFashion, nodeSmallCnn, npyInput, relativeDeviation, ASSETS, type NodeResult } from './reference.js';
import { waitForRun } from './page-result.js';
import { openSite, type Site } from './site.js';

const SHOTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const STEPS = 50;
/** The core's default completeness tolerance, which the page reports against. */
const COMPLETENESS = 0.01;

interface Case {
  readonly model: 'fashion-mnist' | 'small-cnn-onnx';
  readonly sample: string;
  readonly engine: string;
  /**
   * Attributions against Node's, relative to max |attr| (measured: see the comment per engine);
   * F(x) and F(x′) absolute.
   */
  readonly attr: number;
  readonly f: number;
}

const reference = new Map<string, Promise<NodeResult>>();

function nodeResult(c: Case, target: number): Promise<NodeResult> {
  const key = `${c.model}/${c.sample}/${target}`;
  let result = reference.get(key);
  if (result === undefined) {
    result =
      c.model === 'fashion-mnist'
        ? nodeFashion(cliImageInput(`${ASSETS}fashion-mnist/${c.sample}.png`, 'nhwc'), target, STEPS)
        : nodeSmallCnn(npyInput(c.sample), target, STEPS);
    reference.set(key, result);
  }
  return result;
}

async function checkCase(site: Site, c: Case, expectIsolated: boolean): Promise<void> {
  const page = await site.open(`?model=${c.model}&sample=${c.sample}&engine=${c.engine}&steps=${STEPS}&autorun=1`);
  try {
    const run = await waitForRun(page);
    expect(run.error).toBe('');
    expect(run.status).toBe('done');
    const report = run.report;
    if (report === null) throw new Error('no report');
    await page.screenshot({ path: `${SHOTS}${c.model}-${c.sample}-${c.engine}${expectIsolated ? '' : '-not-isolated'}.png`, fullPage: true });
    const node = await nodeResult(c, report.target);
    // The page read the same input (the PNG decoded by the browser, or the .npy) as the CLI.
    expect(relativeDeviation(run.input, node.input)).toBeLessThan(1e-6);
    expect(report.steps).toBe(STEPS);
    expect(report.engine).toBe(c.engine);
    expect(report.crossOriginIsolated).toBe(expectIsolated);
    expect(report.relativeError).toBeLessThan(COMPLETENESS);
    // The report's delta is the completeness identity on the attributions it returned.
    const sum = run.attributions.reduce((s, v) => s + v, 0);
    expect(Math.abs(sum - (report.fInput - report.fBaseline) - report.delta)).toBeLessThan(1e-4 * Math.abs(report.fInput - report.fBaseline));
    expect(Math.abs(report.fInput - node.fInput)).toBeLessThan(c.f);
    expect(Math.abs(report.fBaseline - node.fBaseline)).toBeLessThan(c.f);
    expect(relativeDeviation(run.attributions, node.attributions)).toBeLessThan(c.attr);
    console.log(
      `${c.model}/${c.sample} on ${report.backend} (${report.threads} threads): attr deviation ${relativeDeviation(run.attributions, node.attributions).toExponential(2)}, F(x) ${Math.abs(report.fInput - node.fInput).toExponential(2)}, ${report.seconds.toFixed(2)} s`,
    );
  } finally {
    await page.close();
  }
}

// Measured in Chromium 2026-12: attributions 1.3e-7 (webgl), 2.4e-7 (tfjs wasm), 9.7e-8 (ort wasm), 9.3e-8 (tfjs
// webgpu), 1.7e-7 (ort webgpu) of max |attr|; F(x) 9.5e-7 (webgl), 1.9e-6 (tfjs wasm), 2.2e-7 (ort wasm, F(x′) ≈ 0.08), 0 (webgpu).
// Tolerances sit within 10× of those (float32 sums in another order).
const FAST: readonly Case[] = [
  { model: 'fashion-mnist', sample: 'tshirt', engine: 'tfjs-webgl', attr: 1e-6, f: 5e-6 },
  { model: 'fashion-mnist', sample: 'sneaker', engine: 'tfjs-wasm', attr: 1e-6, f: 5e-6 },
  { model: 'small-cnn-onnx', sample: 'sample0', engine: 'ort-wasm', attr: 1e-6, f: 1e-6 },
];
const WEBGPU: readonly Case[] = [
  { model: 'fashion-mnist', sample: 'trouser', engine: 'tfjs-webgpu', attr: 1e-6, f: 5e-6 },
  { model: 'small-cnn-onnx', sample: 'sample1', engine: 'ort-webgpu', attr: 1e-6, f: 5e-6 },
];

describe.skipIf(!chromiumAvailable())('the built playground in Chromium', () => {
  describe('cross-origin isolated (COOP/COEP): threads', () => {
    let site: Site;
    beforeAll(async () => (site = await openSite({ isolated: true })));
    afterAll(async () => site?.close());
    for (const c of FAST) test(`${c.model} on ${c.engine}`, () => checkCase(site, c, true));
  });

  describe('without COOP/COEP: the single-threaded fallback', () => {
    let site: Site;
    beforeAll(async () => (site = await openSite({ isolated: false })));
    afterAll(async () => site?.close());
    test('small-cnn-onnx on ort-wasm, one thread', () => checkCase(site, FAST[2] as Case, false));
  });

  describe('WebGPU (--enable-unsafe-webgpu, SwiftShader)', () => {
    let site: Site;
    beforeAll(async () => (site = await openSite({ isolated: true, webgpu: true })));
    afterAll(async () => site?.close());
    for (const c of WEBGPU) test(`${c.model} on ${c.engine}`, () => checkCase(site, c, true));
  });
});
