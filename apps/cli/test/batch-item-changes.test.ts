/**
 * A resumed `ig batch` computes again the done items whose input file was edited in place, or
 * whose manifest line now gives another target or context; the others stay as they were.
 */
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { captumPath } from '@ig/test-fixtures';
import { gaussLegendre } from '@ig/core';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir, writeSmallCnnTfjsModel } from './helpers.js';
import { loadLayersModelFiles, referenceIntegratedGradients } from './reference-ig.js';

const computed = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('ig batch resume after an item changed', () => {
  let dir: string;
  let model: string;
  let base: Float32Array;
  const write = (path: string, scale: number): void =>
    writeFileSync(
      path,
      formatNpy(
        base.map((v) => v * scale),
        [1, 28, 28, 1],
      ),
    );
  beforeAll(async () => {
    dir = tempDir('batch-items-changed');
    model = await writeSmallCnnTfjsModel(join(dir, 'cnn'));
    base = readFloat32Npy(captumPath('data', 'small_cnn', 'input0.npy')).data;
    mkdirSync(join(dir, 'inputs'));
    for (const [name, scale] of [
      ['a', 1],
      ['b', 0.5],
      ['c', 1.5],
    ] as const)
      write(join(dir, 'inputs', `${name}.npy`), scale);
  });

  it('an input file edited in place is computed again, and its result is the IG of the new contents', async () => {
    const outDir = join(dir, 'folder-out');
    const log = join(dir, 'folder.log');
    const args = ['batch', '--model', model, '--inputs', join(dir, 'inputs'), '--out-dir', outDir, '--steps', '16'];
    expect(ig([...args, '--quiet'], { env: { IG_CLI_COMPUTE_LOG: log } }).code).toBe(0);
    expect(computed(log)).toEqual(['a', 'b', 'c']);
    const untouched = readFileSync(join(outDir, 'a.npy'));
    write(join(dir, 'inputs', 'b.npy'), -0.7);
    const resumed = ig(args, { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('1 done input changed since computed (input, text, target or context), computed again: b');
    expect(computed(log)).toEqual(['a', 'b', 'c', 'b']);
    expect(readFileSync(join(outDir, 'a.npy')).equals(untouched)).toBe(true);
    const report = JSON.parse(readFileSync(join(outDir, 'b.json'), 'utf8')) as { target: number };
    const x = readFloat32Npy(join(dir, 'inputs', 'b.npy')).data;
    const expected = referenceIntegratedGradients(
      await loadLayersModelFiles(model),
      x,
      new Float32Array(x.length),
      [1, 28, 28, 1],
      report.target,
      gaussLegendre(16),
    );
    const got = readFloat32Npy(join(outDir, 'b.npy')).data;
    const scale = Math.max(...Array.from(expected, Math.abs));
    const worst = Math.max(...Array.from(expected, (e, i) => Math.abs((got[i] as number) - e)));
    // float32, the same tfjs cpu kernels (as in batch.test.ts): ≤ 1e-7 of max |attr|
    expect(worst / scale).toBeLessThan(5e-7);
    // A third run with nothing changed computes nothing, nor one after an input was touched
    // (a new modification time, the same contents: its digest is compared and agrees).
    expect(ig([...args, '--quiet'], { env: { IG_CLI_COMPUTE_LOG: log } }).code).toBe(0);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'inputs', 'c.npy'), later, later);
    expect(ig([...args, '--quiet'], { env: { IG_CLI_COMPUTE_LOG: log } }).code).toBe(0);
    expect(computed(log)).toHaveLength(4);
  });

  it('a manifest line with another target is computed again; a report without a digest counts as done', () => {
    const outDir = join(dir, 'manifest-out');
    const log = join(dir, 'manifest.log');
    const manifest = join(dir, 'manifest.jsonl');
    const lines = (targetOfB: number): string =>
      ['a', 'b', 'c'].map((id) => JSON.stringify({ input: `inputs/${id}.npy`, id, target: id === 'b' ? targetOfB : 3 })).join('\n');
    const args = ['batch', '--model', model, '--inputs', manifest, '--out-dir', outDir, '--steps', '8', '--quiet'];
    writeFileSync(manifest, lines(3));
    expect(ig(args, { env: { IG_CLI_COMPUTE_LOG: log } }).code).toBe(0);
    // A report written before digests were recorded: its item is taken as current.
    const c = join(outDir, 'c.json');
    const { inputDigest, ...rest } = JSON.parse(readFileSync(c, 'utf8')) as { inputDigest: string };
    expect(inputDigest).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(c, `${JSON.stringify(rest)}\n`);
    writeFileSync(manifest, lines(5));
    expect(ig(args, { env: { IG_CLI_COMPUTE_LOG: log } }).code).toBe(0);
    expect(computed(log)).toEqual(['a', 'b', 'c', 'b']);
    expect((JSON.parse(readFileSync(join(outDir, 'b.json'), 'utf8')) as { target: number }).target).toBe(5);
  });
});
