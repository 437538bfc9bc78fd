#!/usr/bin/env node
// Saves every ONNX model found under the given folders as onnxruntime-node optimizes it at level
// 'extended' (optimizedModelFilePath), and for each file that then holds onnxruntime contrib ops
// compares Integrated Gradients (16 Gauss–Legendre steps, zero baseline, target 0, one fixed input
// with every symbolic dimension 1) of the optimized and the original model. Models with several
// inputs are only checked for gradient coverage. A manual sweep (not run in CI); build the package
// first (pnpm build).
//
// Usage: node packages/onnx/scripts/check-onnxruntime-optimized.mjs DIR [DIR ...]
// Prints one line per model with contrib ops: OK and max |optimized − original| / max |original|,
// COVERED (several inputs; every op supported), or FAIL with the error. Exits 1 on a FAIL or a
// deviation above 1e-5.
/* global process, console */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { integratedGradients } from '@ig/core';
import { decodeModel, inspect } from '@ig/onnx';
import { onnxBackend } from '@ig/onnx/node';

const models = (dir) =>
  readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (name === 'node_modules') return [];
      return statSync(path).isDirectory() ? models(path) : name.endsWith('.onnx') ? [path] : [];
    });

const scratch = mkdtempSync(join(tmpdir(), 'ig-ort-optimized-'));
let failed = false;

async function optimized(file) {
  const optimizedModelFilePath = join(scratch, 'optimized.onnx');
  const session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'extended', optimizedModelFilePath, executionProviders: ['cpu'] });
  await session.release();
  return new Uint8Array(readFileSync(optimizedModelFilePath));
}

async function attributions(bytes, input) {
  const backend = await onnxBackend(bytes);
  try {
    return (await integratedGradients(backend, input, { target: 0, steps: 16 })).attributions[0].data;
  } finally {
    await backend.dispose();
  }
}

for (const file of process.argv.slice(2).flatMap(models)) {
  let bytes;
  try {
    bytes = await optimized(file);
  } catch (error) {
    console.log(`SKIP ${file}: onnxruntime cannot load it (${String(error.message).split('\n')[0].slice(0, 100)})`);
    continue;
  }
  const contrib = [
    ...new Set(
      decodeModel(bytes)
        .graph.node.filter((n) => (n.domain ?? '').startsWith('com.microsoft'))
        .map((n) => n.opType),
    ),
  ];
  if (contrib.length === 0) continue;
  const summary = inspect(bytes);
  if (summary.inputs.length !== 1 || summary.inputs[0].type !== 'float') {
    const unsupported = summary.gradientCoverage.unsupported;
    failed ||= unsupported.length > 0;
    console.log(
      `${unsupported.length > 0 ? 'FAIL' : 'COVERED'} ${file} [${contrib.join(', ')}]${unsupported.length > 0 ? ` unsupported: ${unsupported.join(', ')}` : ''}`,
    );
    continue;
  }
  const shape = summary.inputs[0].shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  const input = { data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(0.7 * i + 0.3)), shape };
  try {
    const [ours, original] = [await attributions(bytes, input), await attributions(new Uint8Array(readFileSync(file)), input)];
    const scale = Math.max(...original.map(Math.abs)) || 1;
    const deviation = Math.max(...ours.map((v, i) => Math.abs(v - original[i]))) / scale;
    failed ||= deviation > 1e-5;
    console.log(`OK ${file} [${contrib.join(', ')}] deviation ${deviation.toExponential(2)}`);
  } catch (error) {
    failed = true;
    console.log(`FAIL ${file} [${contrib.join(', ')}] ${error.constructor.name}: ${String(error.message).split('\n')[0].slice(0, 200)}`);
  }
}
rmSync(scratch, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
