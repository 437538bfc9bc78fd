/**
 * A resumed `ig batch` compares the contents of the files its results depend on, not their
 * paths: a --target-weights, --baseline or model file edited in place between runs is refused,
 * naming the file; unchanged files resume and give the same attributions.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchDependedFiles } from '../src/batch-fingerprint.js';
import { fileContents } from '../src/batch-file-hashes.js';
import { checkResumable } from '../src/batch-record.js';
import { UsageError } from '../src/errors.js';
import { parseExplainSettings } from '../src/options.js';
import { parseAlgorithmSettings } from '../src/algorithm-options.js';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeNpy } from './reliability/models.js';
import { withExternalData } from './external-data-model.js';

const computed = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('ig batch resume and the files it depends on', () => {
  const dir = tempDir('batch-contents');
  const copy = (name: string): string => {
    copyFileSync(fixture('segmentation', name), join(dir, name));
    return join(dir, name);
  };
  const [model, weights, baseline] = ['regress.onnx', 'regress_weights.npy', 'regress_baseline.npy'].map(copy) as [string, string, string];
  const inputs = join(dir, 'inputs');
  mkdirSync(inputs);
  copyFileSync(fixture('segmentation', 'regress_input.npy'), join(inputs, 'a.npy'));
  const outDir = join(dir, 'out');
  const log = join(dir, 'computed.log');
  const run = (): ReturnType<typeof ig> =>
    ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', outDir, '--baseline', baseline, '--target-weights', weights, '--quiet'], {
      env: { IG_CLI_COMPUTE_LOG: log },
    });

  it('an unchanged resume computes only the new item and keeps the earlier results', () => {
    expect(run().code).toBe(0);
    const first = readFloat32Npy(join(outDir, 'a.npy')).data;
    const x = readFloat32Npy(join(inputs, 'a.npy'));
    writeNpy(
      join(inputs, 'b.npy'),
      [...x.shape],
      Array.from(x.data, (v) => 2 * v),
    );
    const again = run();
    expect([again.code, again.stderr]).toEqual([0, '']);
    expect(computed(log)).toEqual(['a', 'b']);
    expect(Array.from(readFloat32Npy(join(outDir, 'a.npy')).data)).toEqual(Array.from(first));
    const contents = (JSON.parse(readFileSync(join(outDir, 'batch-options.json'), 'utf8')) as { contents: Record<string, { of: string }> }).contents;
    expect(Object.values(contents).map((c) => c.of)).toEqual(['--model', '--baseline', '--target-weights']);
  });

  const edited: [string, string, (path: string) => void][] = [
    ['--target-weights', weights, (path) => writeNpy(path, [3], [1, 0, -1])],
    ['--baseline', baseline, (path) => writeNpy(path, [1, 5], [0, 0, 0, 0, 0])],
    ['--model', model, (path) => writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([0])]))],
  ];
  for (const [flag, path, edit] of edited) {
    it(`a ${flag} file edited in place is refused with exit 2 naming it; restored, the run resumes`, () => {
      const saved = readFileSync(path);
      writeNpy(join(inputs, `pending-${flag.slice(2)}.npy`), [1, 5], [0.1, 0.2, 0.3, 0.4, 0.5]);
      edit(path);
      const refused = run();
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        new RegExp(`holds results computed from another version of ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(${flag}\\)`),
      );
      expect(existsSync(join(outDir, `pending-${flag.slice(2)}.json`))).toBe(false);
      writeFileSync(path, saved);
      const resumed = run();
      expect([resumed.code, resumed.stderr]).toEqual([0, '']);
      expect(computed(log).at(-1)).toBe(`pending-${flag.slice(2)}`);
    });
  }
});

describe('ig batch with an ONNX model whose weights lie in an external file', () => {
  it('an edited weights.bin is refused naming it', () => {
    const dir = tempDir('batch-contents-external');
    const model = withExternalData(fixture('segmentation', 'regress.onnx'), dir);
    const inputs = join(dir, 'inputs');
    mkdirSync(inputs);
    copyFileSync(fixture('segmentation', 'regress_input.npy'), join(inputs, 'a.npy'));
    const args = [
      'batch',
      '--model',
      model,
      '--inputs',
      inputs,
      '--out-dir',
      join(dir, 'out'),
      '--target-weights',
      fixture('segmentation', 'regress_weights.npy'),
    ];
    expect(ig(args).code).toBe(0);
    const weights = readFileSync(join(dir, 'weights.bin'));
    weights[0] = (weights[0] as number) ^ 1;
    writeFileSync(join(dir, 'weights.bin'), weights);
    const refused = ig(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`another version of ${join(dir, 'weights.bin')} (--model (external data))`);
  });
});

describe('the contents record of context files and tokenizers', () => {
  const dir = tempDir('batch-contents-record');
  const settings = parseExplainSettings({ model: join(dir, 'model.onnx') }, true);
  const algorithm = parseAlgorithmSettings({});
  const mask = join(dir, 'mask.npy');
  const tokenizer = join(dir, 'tokenizer.json');
  writeFileSync(tokenizer, '{}');
  const tokens = { ...settings, labels: null, tokenizer: undefined, baselineToken: undefined, tooLong: 'truncate' as const };
  const items = [{ id: 'one', input: join(dir, 'ids.npy'), context: new Map([['attention_mask', mask]]) }];
  const record = async (): Promise<Record<string, unknown>> => ({
    contents: fileContents(await batchDependedFiles(settings, { algorithm, objectiveTarget: undefined, tokens, items })),
  });

  it('a context file missing then is recorded once it appears; a later edit of it, or of the tokenizer, is refused naming the file', async () => {
    const outDir = join(dir, 'out');
    mkdirSync(outDir);
    checkResumable(outDir, await record());
    writeNpy(mask, [1, 4], [1, 1, 1, 0]);
    checkResumable(outDir, await record()); // missing then: nothing was computed from it
    writeNpy(mask, [1, 4], [1, 1, 0, 0]);
    expect(checkResumable.bind(null, outDir, await record())).toThrow(UsageError);
    expect(checkResumable.bind(null, outDir, await record())).toThrow(`another version of ${mask} ("context" "attention_mask" of one)`);
    writeNpy(mask, [1, 4], [1, 1, 1, 0]);
    checkResumable(outDir, await record());
    writeFileSync(tokenizer, '{"model": {}}');
    expect(checkResumable.bind(null, outDir, await record())).toThrow(`another version of ${tokenizer} (tokenizer.json next to --model)`);
  });
});
