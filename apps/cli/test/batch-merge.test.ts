import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { integratedGradients } from '@ig/core';
import { onnxBackend } from '@ig/onnx/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { HOST_TAG } from '../src/run-owner.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';

const ITEMS = 8;
const BROKEN = 'item05';
const ids = Array.from({ length: ITEMS }, (_, k) => `item${String(k).padStart(2, '0')}`);

interface Line {
  readonly id: string;
  readonly status: string;
  readonly shard?: number;
}

const readSummary = (path: string): Line[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

/** A Slurm job array `--array=1-3`: task `id` of it. */
const slurmTask = (id: number): NodeJS.ProcessEnv => ({
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_COUNT: '3',
  SLURM_ARRAY_TASK_MIN: '1',
  SLURM_ARRAY_TASK_MAX: '3',
  SLURM_ARRAY_TASK_STEP: '1',
});

describe('ig batch --shard auto on a Slurm array, then ig batch merge', () => {
  let dir: string;
  let manifest: string;
  const model = captumModelPath('iris_mlp');
  beforeAll(() => {
    dir = tempDir('merge');
    const base = readFloat32Npy(captumPath('data', 'iris_mlp', 'input_versicolor_row51.npy')).data;
    mkdirSync(join(dir, 'in'));
    const lines = ids.map((id, k) => {
      // The broken item has 5 features where the model takes 4: it fails, the others do not.
      const data = id === BROKEN ? new Float32Array(5).fill(1) : base.map((v) => v * (1 + 0.1 * k));
      writeFileSync(join(dir, 'in', `${id}.npy`), formatNpy(data, [1, data.length]));
      return JSON.stringify({ input: `in/${id}.npy`, id, target: 1 });
    });
    manifest = join(dir, 'manifest.jsonl');
    writeFileSync(manifest, `${lines.join('\n')}\n`);
  });

  const shard = (task: number, outDir: string): ReturnType<typeof ig> =>
    ig(['batch', '--model', model, '--inputs', manifest, '--out-dir', outDir, '--shard', 'auto', '--steps', '16', '--quiet'], { env: slurmTask(task) });

  it('each task computes its own items; merge reports the missing shard and the failed item, then the full set', async () => {
    const outDir = join(dir, 'out');
    // item05 is at position 5, in shard 3 (positions 2, 5): that task exits 1 for its failed item.
    expect([1, 3].map((task) => shard(task, outDir).code)).toEqual([0, 1]);
    const perShard = [1, 3].map((k) => readSummary(join(outDir, `summary-${k}-of-3.jsonl`)).map((l) => l.id));
    // Shard i of 3 holds the items at positions i−1, i+2, …: disjoint by construction of the ids.
    expect(perShard).toEqual([ids.filter((_, k) => k % 3 === 0), ids.filter((_, k) => k % 3 === 2)]);

    const partial = ig(['batch', 'merge', outDir, '--inputs', manifest]);
    expect(partial.code).toBe(1);
    expect(partial.stdout).toContain('2 of 3 shard summaries: 4 done, 1 failed, 0 pending, 3 missing');
    expect(partial.stdout).toContain('missing shards: 2/3');
    expect(partial.stdout).toContain(`failed: ${BROKEN}`);
    expect(partial.stdout).toContain('missing: item01, item04, item07');
    expect(partial.stderr).toContain('the batch is incomplete (1 shard missing, 1 failed, 3 missing)');
    const merged = readSummary(join(outDir, 'summary.jsonl'));
    expect(merged.map((l) => l.id)).toEqual(ids);
    expect(merged.filter((l) => l.status === 'missing')).toEqual(
      ['item01', 'item04', 'item07'].map((id) => expect.objectContaining({ id, shard: 2 }) as unknown),
    );
    expect(merged.find((l) => l.id === BROKEN)?.status).toBe('error');

    expect(shard(2, outDir).code).toBe(0);
    const full = ig(['batch', 'merge', outDir, '--inputs', manifest]);
    expect(full.stdout).toContain('3 of 3 shard summaries: 7 done, 1 failed, 0 pending, 0 missing');
    expect(full.code).toBe(1); // the failed item still makes the batch incomplete
    expect(readSummary(join(outDir, 'summary.jsonl')).map((l) => [l.id, l.status])).toEqual(ids.map((id) => [id, id === BROKEN ? 'error' : 'ok']));

    // The attributions are those of the library on the same input, whichever shard computed them.
    const backend = await onnxBackend(readFileSync(model));
    try {
      const input = readFloat32Npy(join(dir, 'in', 'item04.npy'));
      const expected = await integratedGradients(backend, { data: input.data, shape: [...input.shape] }, { target: 1, steps: 16 });
      const got = readFloat32Npy(join(outDir, 'item04.npy')).data;
      expect(got).toEqual(expected.attributions[0]?.data);
    } finally {
      await backend.dispose();
    }
  });

  it('a claim left on another host by an earlier attempt of the task is taken over with --shard auto only', () => {
    const claimed = (name: string): string => {
      const outDir = join(dir, name);
      mkdirSync(outDir);
      // A pod killed mid-item: its claim names another host, where its process cannot be checked.
      writeFileSync(join(outDir, '.item00.claim'), HOST_TAG === 'deadbeef' ? 'feedface-7' : 'deadbeef-7');
      return outDir;
    };
    const retried = claimed('retry-auto');
    expect(shard(1, retried).code).toBe(0);
    expect(readSummary(join(retried, 'summary-1-of-3.jsonl')).map((l) => l.status)).toEqual(['ok', 'ok', 'ok']);
    const manual = claimed('retry-manual');
    ig(['batch', '--model', model, '--inputs', manifest, '--out-dir', manual, '--shard', '1/3', '--steps', '16', '--quiet']);
    expect(readSummary(join(manual, 'summary-1-of-3.jsonl'))[0]).toMatchObject({ id: 'item00', status: 'pending', reason: 'being computed by another run' });
  });

  it('merges shards written to separate folders, and refuses summaries of different splits', () => {
    const folders = [1, 2, 3].map((k) => join(dir, `pod-${k}`));
    folders.forEach((folder, k) => shard(k + 1, folder));
    const run = ig(['batch', 'merge', ...folders, '--out', join(dir, 'all.jsonl')]);
    expect(run.stdout).toContain('3 of 3 shard summaries: 7 done, 1 failed, 0 pending, 0 missing');
    expect(
      readSummary(join(dir, 'all.jsonl'))
        .map((l) => l.id)
        .sort(),
    ).toEqual(ids);

    writeFileSync(join(folders[0] as string, 'summary-1-of-2.jsonl'), '');
    const mixed = ig(['batch', 'merge', ...folders]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('the shard summaries are of different splits (of-2, of-3)');
    expect(readdirSync(folders[1] as string)).not.toContain('summary.jsonl');
  });
});
