/**
 * Browser benchmark in Chromium (Debian's, headless): IG-50 against 50 forward passes on
 * onnxruntime-web wasm (threads + SIMD, cross-origin isolated, the fused path graph) for
 * ResNet-18 (224×224) and the 28×28 ONNX CNN, the same IG on onnxruntime-node with as many threads
 * in this process, and IG-50 on tfjs webgl for the Fashion-MNIST CNN. One warm-up run each, then
 * one timed run. Writes bench-results/browser.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { onnxBackend } from '@ig/onnx/node';
import { openSite } from '../test/site.js';
import type { BenchRequest, BenchResult } from './page.js';
import { timeIgAndForwards } from './time-ig.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const STEPS = 50;

function lcgImage(length: number, seed = 1): number[] {
  let state = seed >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  });
}

async function nodeRun(bytes: Uint8Array, request: BenchRequest, threads: number): Promise<{ igSeconds: number; forwardsSeconds: number }> {
  const backend = await onnxBackend(bytes, { executionProviders: ['cpu'], sessionOptions: { intraOpNumThreads: threads, interOpNumThreads: 1 } });
  const { igSeconds, forwardsSeconds } = await timeIgAndForwards(backend, request);
  await backend.dispose();
  return { igSeconds, forwardsSeconds };
}

test.skipIf(!chromiumAvailable())('browser benchmark', async () => {
  const resnet = here('models/resnet18.onnx');
  if (!existsSync(resnet)) execFileSync('/usr/bin/python3', [here('export_resnet18.py'), resnet], { stdio: 'inherit' });
  execFileSync('pnpm', ['exec', 'vite', 'build', '--config', 'vite.bench.config.ts', '--logLevel', 'warn'], { cwd: here('..'), stdio: 'inherit' });
  const site = await openSite({ isolated: true, directory: here('../dist-bench/') });
  const rows: Record<string, unknown>[] = [];
  try {
    const page = await site.open('');
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    const onnxCases = [
      { model: 'resnet18', url: './resnet18.onnx', file: resnet, shape: [1, 3, 224, 224] },
      { model: 'small-cnn-28x28', url: await page.evaluate(() => window.smallCnnUrl), file: here('../../cli/assets/small_cnn.onnx'), shape: [1, 1, 28, 28] },
    ];
    for (const c of onnxCases) {
      const request: BenchRequest = { input: lcgImage(c.shape.reduce((a, b) => a * b, 1)), shape: c.shape, target: 0, steps: STEPS };
      const web = await page.evaluate(({ url, request }) => window.benchOrt(url, request), { url: c.url, request });
      const node = await nodeRun(new Uint8Array(readFileSync(c.file)), request, web.threads);
      const row = {
        model: c.model,
        web,
        node: { backend: 'onnxruntime-node/cpu', threads: web.threads, ...node },
        webOverNodeIG: web.igSeconds / node.igSeconds,
        webIGOverForwards: web.igSeconds / web.forwardsSeconds,
      };
      console.log(
        `${c.model}: ORT-web wasm (${web.threads} threads) IG-50 ${web.igSeconds.toFixed(2)} s, 50 forwards ${web.forwardsSeconds.toFixed(2)} s; ORT-node IG-50 ${node.igSeconds.toFixed(2)} s; web/node ${row.webOverNodeIG.toFixed(2)}×`,
      );
      rows.push(row);
    }
    const fashion: BenchRequest = { input: lcgImage(784), shape: [1, 28, 28, 1], target: 0, steps: STEPS };
    const webgl: BenchResult = await page.evaluate((request) => window.benchTfjs('webgl', request), fashion);
    console.log(`fashion-mnist: ${webgl.backend} IG-50 ${webgl.igSeconds.toFixed(2)} s, 50 forwards ${webgl.forwardsSeconds.toFixed(2)} s`);
    rows.push({ model: 'fashion-mnist', web: webgl, webIGOverForwards: webgl.igSeconds / webgl.forwardsSeconds });
  } finally {
    await site.close();
  }
  const report = {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    chromium: execFileSync('/usr/bin/chromium', ['--version']).toString().trim(),
    steps: STEPS,
    rows,
  };
  const out = here('../bench-results/');
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}browser.json.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${out}browser.json.tmp`, `${out}browser.json`);
});
