/**
 * What a warm (cached) run pays before its first forward pass, the two ways @ig/onnx has done it,
 * alternated so that load swings hit both alike, median of REPEATS each:
 * - `encoded`: encode the prepared model, hash the encoding (the cache key), create the forward
 *   session from the encoding with full optimization (before the forward session's optimized
 *   model was cached);
 * - `cached`: hash the model's bytes as read, read and checksum onnxruntime's optimized model of
 *   it from a cache file, create the session from that with optimization disabled (now).
 * Both decode and prepare the model first (not timed). Usage: `node dist/forward-reload.js
 * [resnet18,googlenet]`; writes bench-results/forward-reload.json.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { encodeModel, prepareModel } from '@ig/onnx/node';
import { loadModel, type Architecture } from './models.js';

const REPEATS = Number(process.env['IG_FORWARD_RELOAD_REPEATS'] ?? 5);
const MODELS = (process.argv[2] ?? 'resnet18,googlenet').split(',') as Architecture[];
const SESSION = { intraOpNumThreads: 2, interOpNumThreads: 1, logSeverityLevel: 3 as const };

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const clock = (): number => Number(process.hrtime.bigint()) / 1e9;
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

async function measure(name: Architecture, dir: string) {
  const loaded = loadModel(name);
  if ('missing' in loaded) throw new Error(loaded.missing);
  const prepared = prepareModel(loaded.bytes, { deferUpgrade: true });
  const optimizedPath = join(dir, `${name}.optimized.onnx`);
  const first = await ort.InferenceSession.create(encodeModel(prepared.model), { ...SESSION, optimizedModelFilePath: optimizedPath });
  await first.release();
  const encoded: { encode: number; hash: number; session: number }[] = [];
  const cached: { hash: number; read: number; session: number }[] = [];
  for (let k = 0; k < REPEATS; k++) {
    let t = clock();
    const bytes = encodeModel(prepared.model);
    const encode = clock() - t;
    t = clock();
    sha256(bytes);
    const hash = clock() - t;
    t = clock();
    await (await ort.InferenceSession.create(bytes, SESSION)).release();
    encoded.push({ encode, hash, session: clock() - t });

    t = clock();
    sha256(loaded.bytes);
    const rawHash = clock() - t;
    t = clock();
    const optimized = readFileSync(optimizedPath);
    sha256(optimized);
    const read = clock() - t;
    t = clock();
    await (await ort.InferenceSession.create(optimized, { ...SESSION, graphOptimizationLevel: 'disabled' })).release();
    cached.push({ hash: rawHash, read, session: clock() - t });
  }
  const med = <K extends string>(rows: readonly Record<K, number>[], key: K): number => median(rows.map((r) => r[key]));
  const encodedTotal = median(encoded.map((r) => r.encode + r.hash + r.session));
  const cachedTotal = median(cached.map((r) => r.hash + r.read + r.session));
  return {
    model: name,
    modelBytes: loaded.bytes.length,
    optimizedBytes: readFileSync(optimizedPath).length,
    encoded: { encodeSeconds: med(encoded, 'encode'), hashSeconds: med(encoded, 'hash'), sessionSeconds: med(encoded, 'session'), totalSeconds: encodedTotal },
    cached: {
      hashSeconds: med(cached, 'hash'),
      readAndChecksumSeconds: med(cached, 'read'),
      sessionSeconds: med(cached, 'session'),
      totalSeconds: cachedTotal,
    },
    savedSeconds: encodedTotal - cachedTotal,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'ig-forward-reload-'));
const report: Record<string, unknown> = {
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  loadAverageAtStart: loadavg()[0],
  repeats: REPEATS,
  date: new Date().toISOString(),
};
try {
  const rows = [];
  for (const name of MODELS) {
    const row = await measure(name, dir);
    rows.push(row);
    console.log(
      `${name}: warm start to the forward session ${row.encoded.totalSeconds.toFixed(3)} s encoded (encode ${row.encoded.encodeSeconds.toFixed(3)}, hash ${row.encoded.hashSeconds.toFixed(3)}, session ${row.encoded.sessionSeconds.toFixed(3)}) → ` +
        `${row.cached.totalSeconds.toFixed(3)} s cached (hash ${row.cached.hashSeconds.toFixed(3)}, read ${row.cached.readAndChecksumSeconds.toFixed(3)}, session ${row.cached.sessionSeconds.toFixed(3)}); saved ${row.savedSeconds.toFixed(3)} s`,
    );
  }
  report.models = rows;
  report.loadAverageAtEnd = loadavg()[0];
} finally {
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/forward-reload.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
renameSync('bench-results/forward-reload.json.tmp', 'bench-results/forward-reload.json');
console.log('wrote bench-results/forward-reload.json');
