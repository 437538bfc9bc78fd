import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from '../helpers.js';
import { singleOutputTfjs, writeNpy } from './models.js';

describe('TensorFlow.js weight files stay inside the model folder', () => {
  const root = tempDir('tfjs-paths');
  const x = writeNpy(join(root, 'x.npy'), [1, 4], [0.4, -0.2, 0.8, 0.3]);
  // A file outside the model's folder that a hostile manifest points at.
  writeFileSync(join(root, 'secret.bin'), Buffer.alloc(20, 1));

  const explain = (model: string): { code: number | null; stderr: string; stdout: string } => ig(['explain', '--model', model, '--input', x, '--steps', '16']);

  it.each([
    ['../secret.bin', /weight file "\.\.\/secret\.bin" lies outside the model's folder/],
    ['../../../../etc/hostname', /weight file "\.\.\/\.\.\/\.\.\/\.\.\/etc\/hostname" lies outside the model's folder/],
    ['/etc/hostname', /weight file "\/etc\/hostname" must be a path relative to the model's folder/],
    ['file:///etc/hostname', /weight file "file:\/\/\/etc\/hostname" must be a path relative/],
  ])('refuses %s with one line naming model.json', async (weightPath, pattern) => {
    const model = await singleOutputTfjs(join(tempDir('tfjs-bad'), 'model'), weightPath);
    const run = explain(model);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: .*model\.json: /);
    expect(run.stderr).toMatch(pattern);
  });

  it('refuses a symbolic link inside the folder that leads outside it', async () => {
    const dir = join(tempDir('tfjs-link'), 'model');
    const model = await singleOutputTfjs(dir, 'link.bin');
    symlinkSync(join(root, 'secret.bin'), join(dir, 'link.bin'));
    const run = explain(model);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/weight file "link\.bin" links outside the model's folder/);
  });

  it('accepts a relative path in a subfolder: tanh(x·w + 0.1) − tanh(0.1) is the attribution sum', async () => {
    const dir = join(tempDir('tfjs-sub'), 'model');
    const model = await singleOutputTfjs(dir, 'shards/./w.bin');
    mkdirSync(join(dir, 'shards'));
    copyFileSync(join(dir, 'weights.bin'), join(dir, 'shards', 'w.bin'));
    const run = explain(model);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const z = 0.5 * 0.4 + 0.2 + 0.25 * 0.8 + 2 * 0.3;
    expect(run.stdout).toMatch(/F\(x\) = ([\d.e-]+)/);
    const fx = Number(/F\(x\) = ([\d.e-]+)/.exec(run.stdout)?.[1]);
    // printed to 4 significant digits
    expect(fx).toBeCloseTo(Math.tanh(z + 0.1), 3);
  });
});
