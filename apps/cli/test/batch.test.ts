import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { captumPath } from '@ig/test-fixtures';
import { formatNpy } from '../src/npy.js';
import { gaussLegendre } from '@ig/core';
import { ig, igAsync, readFloat32Npy, tempDir, writeSmallCnnTfjsModel } from './helpers.js';
import { loadLayersModelFiles, referenceIntegratedGradients } from './reference-ig.js';

const ITEMS = 10;

function loggedIds(log: string): string[] {
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
    : [];
}

describe('ig batch', () => {
  let dir: string;
  let model: string;
  let inputs: string;
  beforeAll(async () => {
    dir = tempDir('batch');
    model = await writeSmallCnnTfjsModel(join(dir, 'cnn'));
    inputs = join(dir, 'inputs');
    const base = readFloat32Npy(captumPath('data', 'small_cnn', 'input0.npy')).data;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(inputs);
    for (let k = 0; k < ITEMS; k++) {
      const data = base.map((v, i) => v * (1 + 0.05 * k) + 0.01 * Math.sin(i + k));
      writeFileSync(join(inputs, `item${String(k).padStart(2, '0')}.npy`), formatNpy(data, [1, 28, 28, 1]));
    }
  });

  it('resumes after kill -9: every output complete, nothing computed twice, summary consistent', async () => {
    const outDir = join(dir, 'out');
    const log = join(dir, 'computed.log');
    const args = ['batch', '--model', model, '--inputs', inputs, '--out-dir', outDir, '--steps', '64', '--heatmaps', '--quiet'];
    const child = igAsync(args, { IG_CLI_COMPUTE_LOG: log });
    while (loggedIds(log).length < 3 && child.exitCode === null) await sleep(20);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const firstRun = loggedIds(log);
    expect(firstRun.length).toBeGreaterThanOrEqual(3);
    expect(firstRun.length).toBeLessThan(ITEMS);
    const doneAfterKill = readdirSync(outDir).filter((f) => /^item\d+\.json$/.test(f)).length;

    const rerun = ig(args, { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const all = loggedIds(log);
    expect(new Set(all).size).toBe(all.length); // no item computed twice
    expect(all.length - firstRun.length).toBe(ITEMS - doneAfterKill); // the rerun did only what was missing
    expect(readdirSync(outDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const summary = readFileSync(join(outDir, 'summary.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; status: string; target: number });
    expect(summary.map((s) => s.id)).toEqual(Array.from({ length: ITEMS }, (_, k) => `item${String(k).padStart(2, '0')}`));
    const reference = await loadLayersModelFiles(model);
    for (const line of summary) {
      expect(line.status).toBe('ok');
      const attributions = readFloat32Npy(join(outDir, `${line.id}.npy`));
      expect(attributions.shape).toEqual([1, 28, 28, 1]);
      // every item, the killed run's and the rerun's, is the IG of a plain tf.grad loop over the
      // same 64 Gauss–Legendre nodes from the zero baseline
      const x = readFloat32Npy(join(inputs, `${line.id}.npy`)).data;
      const expected = referenceIntegratedGradients(reference, x, new Float32Array(x.length), [1, 28, 28, 1], line.target, gaussLegendre(64));
      const scale = Math.max(...Array.from(expected, Math.abs));
      let worst = 0;
      expected.forEach((e, i) => (worst = Math.max(worst, Math.abs((attributions.data[i] as number) - e))));
      // float32, the same tfjs cpu kernels: measured ≤ 1.0e-7 of max |attr|
      if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ id: line.id, attr: worst / scale }));
      expect(worst / scale).toBeLessThan(5e-7);
      expect(existsSync(join(outDir, `${line.id}.png`))).toBe(true);
    }

    reference.dispose();

    // a third run finds everything done
    const third = ig(args, { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(third.code).toBe(0);
    expect(loggedIds(log)).toHaveLength(all.length);

    // resuming with other options would mix results: refused, nothing computed
    const changed = ig(
      args.map((a) => (a === '64' ? '32' : a)),
      { env: { IG_CLI_COMPUTE_LOG: log } },
    );
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/holds results computed with other options \(steps: 64 then, 32 now\)/);
    expect(loggedIds(log)).toHaveLength(all.length);
  });

  it('shards split the items without overlap and read a JSONL manifest', () => {
    const manifest = join(dir, 'manifest.jsonl');
    writeFileSync(manifest, ['item00', 'item01', 'item02'].map((id) => JSON.stringify({ input: `inputs/${id}.npy`, id: `m-${id}`, target: 3 })).join('\n'));
    const outDir = join(dir, 'sharded');
    for (const shard of ['1/2', '2/2']) {
      const run = ig(['batch', '--model', model, '--inputs', manifest, '--out-dir', outDir, '--steps', '8', '--shard', shard, '--quiet']);
      expect(run.code).toBe(0);
    }
    const first = readFileSync(join(outDir, 'summary-1-of-2.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    const second = readFileSync(join(outDir, 'summary-2-of-2.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string; target: number }).id);
    expect(first).toEqual(['m-item00', 'm-item02']);
    expect(second).toEqual(['m-item01']);
    const report = JSON.parse(readFileSync(join(outDir, 'm-item01.json'), 'utf8')) as { target: number };
    expect(report.target).toBe(3);
  });

  it('a bad input fails alone: exit 1, an error line in the summary, and a rerun after the fix computes only it', () => {
    const manifest = join(dir, 'with-bad.jsonl');
    const bad = join(dir, 'bad.npy');
    writeFileSync(bad, formatNpy(new Float32Array(784).fill(Number.NaN), [1, 28, 28, 1]));
    writeFileSync(manifest, [JSON.stringify({ input: 'inputs/item00.npy', id: 'good' }), JSON.stringify({ input: 'bad.npy', id: 'bad' })].join('\n'));
    const outDir = join(dir, 'with-bad');
    const log = join(dir, 'with-bad.log');
    const args = ['batch', '--model', model, '--inputs', manifest, '--out-dir', outDir, '--steps', '8', '--quiet'];
    const first = ig(args, { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(first.code).toBe(1);
    expect(first.stderr.trim()).toMatch(/^error: 1 of 2 inputs failed \(first: .*bad\.npy: .*NaN at index \[0, 0, 0, 0\] \(flat 0\)/);
    const summary = readFileSync(join(outDir, 'summary.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; status: string });
    expect(summary.map((l) => [l.id, l.status])).toEqual([
      ['good', 'ok'],
      ['bad', 'error'],
    ]);
    expect(existsSync(join(outDir, 'bad.npy'))).toBe(false);

    writeFileSync(bad, formatNpy(new Float32Array(784).fill(0.5), [1, 28, 28, 1]));
    const second = ig(args, { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(second.code).toBe(0);
    expect(loggedIds(log)).toEqual(['good', 'bad']);
  });
});
