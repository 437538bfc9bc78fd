import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from '../helpers.js';
import { singleOutputOnnx, writeNpy } from './models.js';

interface Line {
  id: string;
  input: string;
  status: string;
  error?: string;
}
const summaryOf = (dir: string): Line[] =>
  readFileSync(join(dir, 'summary.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
const computed = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);

// y = sigmoid(x·w), w = (0.5, −1, 0.25, 2): with a zero baseline, completeness gives Σ attr = y(x) − 0.5.
const x = [0.2, 0.1, -0.4, 0.3];
const yOf = (v: readonly number[]): number => 1 / (1 + Math.exp(-(0.5 * v[0]! - v[1]! + 0.25 * v[2]! + 2 * v[3]!)));

describe('ig batch continues past bad items', () => {
  it('odd names are computed under safe ids; a dangling link and a bad file fail alone, recorded with reasons', () => {
    const dir = tempDir('batch-odd');
    const inputs = join(dir, 'in');
    const out = join(dir, 'out');
    const log = join(dir, 'computed.log');
    const model = singleOutputOnnx(join(dir, 'm.onnx'));
    mkdirSync(inputs);
    for (const name of ['plain', 'with space', 'ünïcode', 'new\nline']) writeNpy(join(inputs, `${name}.npy`), [1, 4], x);
    symlinkSync(join(dir, 'missing.npy'), join(inputs, 'dangling.npy'));
    writeFileSync(join(inputs, 'junk.npy'), 'not an npy');
    const run = ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', out], { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: 2 of 6 inputs failed \(first: ".*dangling\.npy": a symbolic link to a file that does not exist\)/);
    const lines = summaryOf(out);
    expect(lines.map((l) => l.status)).toEqual(['error', 'error', 'ok', 'ok', 'ok', 'ok']);
    expect(lines[1]?.error).toMatch(/junk\.npy: not a \.npy file/);
    const ok = lines.filter((l) => l.status === 'ok');
    expect(ok.map((l) => l.id)).toEqual([
      'new_line-' + ok[0]!.id.split('-').pop(),
      'plain',
      'with_space-' + ok[2]!.id.split('-').pop(),
      '_n_code-' + ok[3]!.id.split('-').pop(),
    ]);
    for (const line of ok) {
      const attributions = readFloat32Npy(join(out, `${line.id}.npy`)).data;
      const sum = attributions.reduce((a, b) => a + b, 0);
      // 50 Gauss–Legendre points on a smooth sigmoid path: float32 rounding only.
      expect(sum).toBeCloseTo(yOf(x) - 0.5, 5);
    }
    expect(computed(log).sort()).toEqual(ok.map((l) => l.id).sort());

    // A rerun retries only the failed items; with --skip-failed it retries none.
    writeNpy(join(inputs, 'junk.npy'), [1, 4], x);
    const skip = ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', out, '--skip-failed'], { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(skip.code).toBe(1);
    expect(computed(log)).toHaveLength(4);
    const retry = ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', out], { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(retry.code).toBe(1);
    expect(computed(log).slice(4)).toEqual(['junk']);
    expect(
      summaryOf(out)
        .filter((l) => l.status === 'error')
        .map((l) => l.id),
    ).toEqual(['dangling']);
    expect(existsSync(join(out, 'junk.error.json'))).toBe(false);
  });

  it('a manifest with a bad target and an unreadable input: the rest is done, the two are listed', () => {
    const dir = tempDir('batch-manifest');
    const model = singleOutputOnnx(join(dir, 'm.onnx'));
    writeNpy(join(dir, 'a.npy'), [1, 4], x);
    const manifest = join(dir, 'items.jsonl');
    writeFileSync(
      manifest,
      [
        { input: 'a.npy', id: 'good', target: 0 },
        { input: 'a.npy', id: 'object-target', target: { a: 1 } },
        { input: 'nowhere.npy', id: 'missing' },
        { input: 'a.npy', id: 'out-of-range', target: 5 },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const out = join(dir, 'out');
    const run = ig(['batch', '--model', model, '--inputs', manifest, '--out-dir', out]);
    expect(run.code).toBe(1);
    const lines = summaryOf(out);
    expect(lines.map((l) => [l.id, l.status])).toEqual([
      ['good', 'ok'],
      ['object-target', 'error'],
      ['missing', 'error'],
      ['out-of-range', 'error'],
    ]);
    expect(lines[1]?.error).toBe('line 2: "target" must be a class index, a label or a list of indices, got {"a":1}');
    expect(lines[2]?.error).toMatch(/nowhere\.npy does not exist/);
    expect(lines[3]?.error).toMatch(/--target 5 is out of range: the model has 1 outputs/);
  });
});
