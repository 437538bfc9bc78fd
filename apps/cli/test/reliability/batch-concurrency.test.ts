import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ig, readFloat32Npy, tempDir } from '../helpers.js';
import { singleOutputOnnx, writeNpy } from './models.js';

const ITEMS = 24;
// Many small model calls per item, so that runs overlap and a kill lands in the middle of one.
const SLOW = ['--steps', '8000', '--batch-size', '32', '--method', 'riemann-middle', '-q'];

const lines = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);
const inputOf = (k: number): number[] => [Math.sin(k), Math.cos(k), 0.1 * k - 1, 0.5];
const yOf = (v: readonly number[]): number => 1 / (1 + Math.exp(-(0.5 * v[0]! - v[1]! + 0.25 * v[2]! + 2 * v[3]!)));

function start(args: readonly string[], log: string): { child: ChildProcess; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, IG_CLI_COMPUTE_LOG: log }, stdio: 'ignore' });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit };
}

async function until(condition: () => boolean, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

describe('ig batch: concurrent runs on one out-dir', () => {
  it('4 runs (two shards, each run twice, one killed with SIGKILL mid-run): every item once, valid, summaries consistent', async () => {
    const dir = tempDir('batch-stress');
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    for (let k = 0; k < ITEMS; k++) writeNpy(join(inputs, `i${String(k).padStart(2, '0')}.npy`), [1, 4], inputOf(k));
    const model = singleOutputOnnx(join(dir, 'm.onnx'));
    const out = join(dir, 'out');
    const base = ['batch', '--model', model, '--inputs', inputs, '--out-dir', out, ...SLOW];
    const logs = [0, 1, 2, 3, 4].map((p) => join(dir, `computed-${p}.log`));
    const runs = [
      ['--shard', '1/2'],
      ['--shard', '2/2'],
      ['--shard', '1/2'],
      ['--shard', '2/2'],
    ].map((shard, p) => start([...base, ...shard], logs[p] as string));

    await until(() => lines(logs[0] as string).length >= 2, 60_000);
    runs[0]?.child.kill('SIGKILL');
    const codes = await Promise.all(runs.map((r) => r.exit));
    expect(codes).toEqual([null, 0, 0, 0]);
    // A run after the kill finishes what the killed run held, taking over its claims.
    const rerun = ig([...base, '--shard', '1/2'], { env: { IG_CLI_COMPUTE_LOG: logs[4] as string } });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);

    const computed = logs.flatMap(lines);
    const counts = new Map<string, number>();
    for (const id of computed) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const ids = Array.from({ length: ITEMS }, (_, k) => `i${String(k).padStart(2, '0')}`);
    // The killed run may have finished an item and been killed before logging it; no item is computed twice.
    expect(ids.filter((id) => !counts.has(id)).length).toBeLessThanOrEqual(1);

    for (const [k, id] of ids.entries()) {
      const report = JSON.parse(readFileSync(join(out, `${id}.json`), 'utf8')) as { status: string; steps: number };
      expect(report).toMatchObject({ status: 'ok', steps: 8000 });
      const sum = readFloat32Npy(join(out, `${id}.npy`)).data.reduce((a, b) => a + b, 0);
      // midpoint rule with 8000 points on a smooth path: error far below float32 rounding.
      expect(sum).toBeCloseTo(yOf(inputOf(k)) - 0.5, 5);
    }
    for (const [shard, wanted] of [
      [1, ids.filter((_, k) => k % 2 === 0)],
      [2, ids.filter((_, k) => k % 2 === 1)],
    ] as const) {
      const summary = lines(join(out, `summary-${shard}-of-2.jsonl`)).map((l) => JSON.parse(l) as { id: string; status: string });
      expect(summary.map((s) => s.id)).toEqual(wanted);
      for (const s of summary) expect(s).toEqual(JSON.parse(readFileSync(join(out, `${s.id}.json`), 'utf8')));
    }
    expect(readdirSync(out).filter((name) => name.endsWith('.tmp') || name.includes('.claim'))).toEqual([]);
  });

  it('two first runs with different options: one records them, the other is refused, and no result mixes them', async () => {
    const dir = tempDir('batch-options-race');
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    for (let k = 0; k < 4; k++) writeNpy(join(inputs, `i${k}.npy`), [1, 4], inputOf(k));
    const model = singleOutputOnnx(join(dir, 'm.onnx'));
    const out = join(dir, 'out');
    const runs = ['7', '9'].map((steps) =>
      start(['batch', '--model', model, '--inputs', inputs, '--out-dir', out, '--steps', steps, '-q'], join(dir, `log-${steps}`)),
    );
    const codes = await Promise.all(runs.map((r) => r.exit));
    expect([...codes].sort()).toEqual([0, 2]);
    const recorded = (JSON.parse(readFileSync(join(out, 'batch-options.json'), 'utf8')) as { steps: number }).steps;
    expect(recorded).toBe(codes[0] === 0 ? 7 : 9);
    for (let k = 0; k < 4; k++) expect((JSON.parse(readFileSync(join(out, `i${k}.json`), 'utf8')) as { steps: number }).steps).toBe(recorded);
  });
});
