#!/usr/bin/env node
/* global process, URL, console, performance */
// Library IG-50 (fused, warm, onnxruntime-node cpu, 2 threads) of two built checkouts of this
// repository, A and B, on the exported bench models, alternating the order pair by pair, so a
// change can be shown not to slow the library down. Each run is its own process.
//   node apps/bench/scripts/ab-library.mjs <checkout A> <checkout B> [resnet18,googlenet] [pairs]
// Both checkouts need `pnpm build`; the models come from `pnpm --filter @ig/bench prep`.
// Writes bench-results/ab-library.json (in the current folder).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [a, b, modelList = 'resnet18,googlenet', pairText = '3'] = process.argv.slice(2);
if (!a || !b) throw new Error('usage: ab-library.mjs <checkout A> <checkout B> [models] [pairs]');
const modelsDir = fileURLToPath(new URL('../models/', import.meta.url));

if (process.env.AB_CHILD) {
  const root = resolve(process.env.AB_CHILD);
  const { onnxBackend } = await import(`${root}/packages/onnx/dist/node.js`);
  const { integratedGradients } = await import(`${root}/packages/core/dist/index.js`);
  const bytes = new Uint8Array(readFileSync(`${modelsDir}${process.env.AB_MODEL}.onnx`));
  let state = 1;
  const image = Float32Array.from({ length: 3 * 224 * 224 }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  });
  const backend = await onnxBackend(bytes, { executionProviders: ['cpu'], sessionOptions: { intraOpNumThreads: 2, interOpNumThreads: 1 } });
  const run = () => integratedGradients(backend, { data: image, shape: [1, 3, 224, 224] }, { target: 0, steps: 50, method: 'gauss-legendre' });
  await run();
  const start = performance.now();
  await run();
  await run();
  process.stdout.write(`${(performance.now() - start) / 2000}\n`);
  await backend.dispose();
  process.exit(0);
}

const seconds = (root, model) =>
  Number(
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), a, b], {
      env: { ...process.env, AB_CHILD: root, AB_MODEL: model },
      encoding: 'utf8',
    }).trim(),
  );
const median = (v) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
const rows = [];
for (let pair = 0; pair < Number(pairText); pair++) {
  for (const model of modelList.split(',')) {
    const order = pair % 2 === 0 ? [a, b] : [b, a];
    const t = Object.fromEntries(order.map((root) => [root, seconds(root, model)]));
    rows.push({ pair, model, a: t[a], b: t[b], bOverA: t[b] / t[a] });
    console.log(`${model} pair ${pair + 1}: A ${t[a].toFixed(2)} s, B ${t[b].toFixed(2)} s, B/A ${(t[b] / t[a]).toFixed(3)}`);
  }
}
const summary = modelList.split(',').map((model) => ({ model, medianBOverA: median(rows.filter((r) => r.model === model).map((r) => r.bOverA)) }));
for (const s of summary) console.log(`${s.model}: median B/A ${s.medianBOverA.toFixed(3)}`);
mkdirSync('bench-results', { recursive: true });
writeFileSync(
  'bench-results/ab-library.json.tmp',
  `${JSON.stringify({ a: resolve(a), b: resolve(b), date: new Date().toISOString(), rows, summary }, null, 2)}\n`,
);
renameSync('bench-results/ab-library.json.tmp', 'bench-results/ab-library.json');
