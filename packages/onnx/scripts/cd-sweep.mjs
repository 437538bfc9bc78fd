#!/usr/bin/env node
// Runs contextual decomposition and `ig hierarchy --score cd` on every model that
// scripts/cd_sweep_models.py exported (a manual sweep, not run in CI; build the packages first).
//
// Usage: node packages/onnx/scripts/cd-sweep.mjs DIR [NAME ...]
// For each NAME-opsetK.onnx with its NAME.npy it prints one row: whether the rewrite builds (or
// the first line of its error), the largest |rel + irrel − F(x)| over four masks (all, none, two
// random halves) relative to max |F(x)|, the largest |irrel| with every feature relevant (same
// scale), and how `ig hierarchy --score cd --sweep-dim 8` ends.
// Where NAME.acd.json holds acd's parts (see cd_sweep_models.py), also the largest deviation of
// ours from acd's over its masks, relative to max |F(x)|. Writes DIR/results.json with the rows.
/* global process, console */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onnxContextualDecomposition, runtime as ort } from '@ig/onnx/node';

const [dir, ...names] = process.argv.slice(2);
if (!dir) {
  console.error('usage: cd-sweep.mjs DIR [NAME ...]');
  process.exit(2);
}
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'apps', 'cli', 'dist', 'bin.js');

/** A little-endian float32 .npy file (format 1.0 or 2.0). */
function readNpy(file) {
  const bytes = readFileSync(file);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLength;
  const header = bytes.subarray(0, start).toString('latin1');
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)[1]
    .split(',')
    .filter((d) => d.trim() !== '')
    .map(Number);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  return { data, shape };
}

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function identityDeviation(bytes, input, shape) {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) });
  const y = out[session.outputNames[0]].data;
  const size = input.length;
  const random = mulberry32(7);
  const masks = new Float32Array(4 * size);
  masks.fill(1, 0, size);
  for (let i = 2 * size; i < 4 * size; i++) masks[i] = random() < 0.5 ? 1 : 0;
  const cd = await onnxContextualDecomposition(bytes, { sessionOptions: { executionProviders: ['cpu'], logSeverityLevel: 3 } });
  const { relevant, irrelevant } = await cd.decompose(input, shape.slice(1), masks, 4);
  await cd.dispose();
  let deviation = 0;
  const scale = Math.max(...Array.from(y, Math.abs));
  for (let k = 0; k < 4; k++)
    for (let j = 0; j < y.length; j++) deviation = Math.max(deviation, Math.abs(relevant[k * y.length + j] + irrelevant[k * y.length + j] - y[j]));
  // With every feature relevant, what stays irrelevant is bias shares of units with no input at all.
  const fullIrrelevant = Math.max(...Array.from(irrelevant.subarray(0, y.length), Math.abs)) / scale;
  return { deviation: deviation / scale, scale, fullIrrelevant };
}

/** The largest |ours − acd| over acd's masks (H×W, the same for every channel), relative to `scale`. */
async function acdDeviation(bytes, input, shape, file, scale) {
  const { cases } = JSON.parse(readFileSync(file, 'utf8'));
  const channels = shape[1];
  const masks = Float32Array.from(cases.flatMap((c) => Array.from({ length: channels }, () => c.mask).flat()));
  const cd = await onnxContextualDecomposition(bytes, { sessionOptions: { executionProviders: ['cpu'], logSeverityLevel: 3 } });
  const { relevant, irrelevant } = await cd.decompose(input, shape.slice(1), masks, cases.length);
  await cd.dispose();
  // Mask 0 (all relevant) apart: acd's float32 BatchNorm rule, irrel = BN(r + i) − rel, leaves
  // rounding residue that its next BatchNorm's proportional split can magnify.
  const deviation = [0, 0];
  cases.forEach((c, k) => {
    const n = c.relevant.length;
    for (let j = 0; j < n; j++)
      deviation[k === 0 ? 0 : 1] = Math.max(
        deviation[k === 0 ? 0 : 1],
        Math.abs(relevant[k * n + j] - c.relevant[j]),
        Math.abs(irrelevant[k * n + j] - c.irrelevant[j]),
      );
  });
  return { fullMask: deviation[0] / scale, otherMasks: deviation[1] / scale };
}

const rows = [];
const models = readdirSync(dir)
  .filter((f) => /-opset\d+\.onnx$/.test(f))
  .sort()
  .filter((f) => names.length === 0 || names.includes(f.replace(/-opset\d+\.onnx$/, '')));
for (const file of models) {
  const name = file.replace(/-opset\d+\.onnx$/, '');
  const opset = Number(/opset(\d+)/.exec(file)[1]);
  const { data, shape } = readNpy(join(dir, `${name}.npy`));
  const row = { name, opset };
  try {
    const bytes = new Uint8Array(readFileSync(join(dir, file)));
    Object.assign(row, await identityDeviation(bytes, data, shape));
    const reference = join(dir, `${name}.acd.json`);
    if (existsSync(reference)) row.acdDeviation = await acdDeviation(bytes, data, shape, reference, row.scale);
  } catch (error) {
    row.error = `${error.constructor.name}: ${String(error.message).split('\n')[0]}`;
  }
  const run = spawnSync(
    process.execPath,
    [cli, 'hierarchy', '--model', join(dir, file), '--input', join(dir, `${name}.npy`), '--score', 'cd', '--sweep-dim', '8', '--iterations', '2', '--no-cache'],
    { encoding: 'utf8', timeout: 600_000 },
  );
  const lines = `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => /^(target|error)/.test(l));
  row.hierarchy = lines.length > 0 ? lines[lines.length - 1] : `exit ${run.status}`;
  rows.push(row);
  const identity =
    row.error ??
    `rel + irrel − F(x): ${row.deviation.toExponential(1)} of max |F(x)| = ${row.scale.toPrecision(3)}, irrel(all) ${row.fullIrrelevant.toExponential(1)}${row.acdDeviation === undefined ? '' : `, vs acd: full mask ${row.acdDeviation.fullMask.toExponential(1)}, others ${row.acdDeviation.otherMasks.toExponential(1)}`}`;
  console.log(`${name} opset ${opset} | ${identity} | ${row.hierarchy.slice(0, 300)}`);
}
writeFileSync(join(dir, 'results.json'), `${JSON.stringify(rows, null, 1)}\n`);
