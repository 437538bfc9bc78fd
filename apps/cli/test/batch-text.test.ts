import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenSums } from '@ig/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { ig, int32Npy, readFloat32Npy, tempDir } from './helpers.js';
import { expectComplete, expectTokensComplete, type TextSample, type TokenSample } from './text-checks.js';

const TEXT_ASSETS = fileURLToPath(new URL('../assets/text/', import.meta.url));
const model = join(TEXT_ASSETS, 'spam.onnx');
const labels = join(TEXT_ASSETS, 'labels.txt');
const vocab = (JSON.parse(readFileSync(join(TEXT_ASSETS, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
const idsOf = (words: string): number[] => words.split(' ').map((w) => vocab[w] as number);

const PLAIN_IG_ONLY =
  'is explained with plain Integrated Gradients at the embedding; --algorithm, --no-multiply-by-inputs, --objective, --noise and --reducer need a float --input';

// |delta| / |F(x) − F(x')| on these inputs (IG_MEASURE=1 prints them), where the model's ReLUs
// slow the quadrature down: measured up to 2.9e-3 at 50 steps (texts), and 5.2e-3 with
// --steps auto's default tolerance (ids).
const RELATIVE_DELTA_50 = 1e-2;
const RELATIVE_DELTA_AUTO = 1e-2;

interface ItemLine {
  id: string;
  status: string;
  error?: string;
}

const lines = (path: string): ItemLine[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ItemLine);

const logged = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

interface IdsItem extends TokenSample {
  target: number;
  steps: number;
  refinement?: { evaluations: number };
}

describe('ig batch on a token-id model (the bundled spam classifier)', () => {
  let dir: string;
  let cache: string;
  beforeAll(() => {
    dir = tempDir('batch-text');
    cache = join(dir, 'graphs');
  });

  it('a folder of int64/int32 id files: each item is `ig explain --input ids.npy` bit for bit, complete; a rerun computes only what is missing', () => {
    const inputs = join(dir, 'ids');
    mkdirSync(inputs);
    const items = { click: idsOf('click here to claim your free prize'), lunch: idsOf('see you at lunch'), win: idsOf('win a free prize now') };
    writeFileSync(join(inputs, 'click.npy'), formatNpy(BigInt64Array.from(items.click, BigInt), [1, items.click.length]));
    writeFileSync(join(inputs, 'lunch.npy'), formatNpy(BigInt64Array.from(items.lunch, BigInt), [1, items.lunch.length]));
    writeFileSync(join(inputs, 'win.npy'), int32Npy(items.win));
    const outDir = join(dir, 'ids-out');
    const log = join(dir, 'ids.log');
    const args = ['batch', '--model', model, '--inputs', inputs, '--out-dir', outDir, '--steps', 'auto', '--cache-dir', cache, '--quiet'];
    const first = ig(args, { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(first.code, first.stderr).toBe(0);
    expect(logged(log)).toEqual(['click', 'lunch', 'win']);
    for (const [id, ids] of Object.entries(items)) {
      const alone = ig(
        [
          'explain',
          '--model',
          model,
          '--input',
          join(inputs, `${id}.npy`),
          '--steps',
          'auto',
          '--cache-dir',
          cache,
          '--json',
          `${id}.json`,
          '--out',
          `${id}.npy`,
        ],
        {
          cwd: dir,
        },
      );
      expect(alone.code, alone.stderr).toBe(0);
      const expected = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as IdsItem;
      const item = JSON.parse(readFileSync(join(outDir, `${id}.json`), 'utf8')) as IdsItem & ItemLine;
      expect(item.status).toBe('ok');
      // The same function on the same session inputs: bit-identical, not merely close.
      for (const key of ['tokenAttributions', 'target', 'fInput', 'fBaseline', 'delta', 'steps', 'refinement'] as const)
        expect(item[key]).toEqual(expected[key]);
      expect(readFileSync(join(outDir, `${id}.npy`))).toEqual(readFileSync(join(dir, `${id}.npy`)));
      expect(item.tokenAttributions).toHaveLength(ids.length);
      expect(item.refinement?.evaluations).toBeGreaterThan(0);
      expectTokensComplete(item, RELATIVE_DELTA_AUTO);
    }

    // Resume: only the item whose report is gone is computed again, then nothing.
    rmSync(join(outDir, 'lunch.json'));
    const second = ig(args, { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(second.code, second.stderr).toBe(0);
    expect(logged(log)).toEqual(['click', 'lunch', 'win', 'lunch']);
    expect(ig(args, { env: { IG_CLI_COMPUTE_LOG: log } }).code).toBe(0);
    expect(logged(log)).toHaveLength(4);
    expect(lines(join(outDir, 'summary.jsonl')).map((l) => [l.id, l.status])).toEqual([
      ['click', 'ok'],
      ['lunch', 'ok'],
      ['win', 'ok'],
    ]);

    // Another baseline would mix results: refused, nothing computed.
    const changed = ig([...args, '--baseline-token', '1'], { env: { IG_CLI_COMPUTE_LOG: log } });
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/holds results computed with other options \(tokens: \{.*"baselineToken":null.*\} then, \{.*"baselineToken":"1"/);
    // Other methods are refused as `ig explain` refuses them for token ids.
    const saliency = ig([...args, '--algorithm', 'saliency']);
    expect(saliency.code).toBe(2);
    expect(saliency.stderr).toContain(`error: token ids and texts in --inputs ${PLAIN_IG_ONLY}`);
    const alone = ig(['explain', '--model', model, '--input', join(inputs, 'click.npy'), '--algorithm', 'saliency']);
    expect(alone.stderr).toContain(`error: token ids in --input ${PLAIN_IG_ONLY}`);
    expect(logged(log)).toHaveLength(4);
  });

  it('manifest texts in two shards: each is `ig explain --text` bit for bit, complete; a line with "input" and "text" fails alone', () => {
    const texts = [
      { text: 'Click here to claim your FREE prize!!', id: 'click', target: 1 },
      { text: 'hello', input: 'hello.npy', id: 'both' },
      { text: 'See you at lunch tomorrow?', id: 'lunch' },
      { text: 'WIN a free cruise now, reply STOP to opt out', id: 'win' },
    ];
    const manifest = join(dir, 'texts.jsonl');
    writeFileSync(manifest, texts.map((t) => JSON.stringify(t)).join('\n'));
    const outDir = join(dir, 'text-out');
    const args = ['batch', '--model', model, '--inputs', manifest, '--out-dir', outDir, '--labels', labels, '--heatmaps', '--cache-dir', cache, '--quiet'];
    const first = ig([...args, '--shard', '1/2']);
    expect(first.code, first.stderr).toBe(0);
    const second = ig([...args, '--shard', '2/2']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('error: 1 of 2 inputs failed (first: ');
    // Shards partition the items: i−1, i−1+n, … of the manifest, nothing twice, nothing left out.
    const shards = [lines(join(outDir, 'summary-1-of-2.jsonl')), lines(join(outDir, 'summary-2-of-2.jsonl'))];
    expect(shards.map((s) => s.map((l) => l.id))).toEqual([
      ['click', 'lunch'],
      ['both', 'win'],
    ]);
    const bad = shards[1]?.[0] as ItemLine;
    expect(bad.status).toBe('error');
    expect(bad.error).toBe('line 2 has both "input" and "text"; give one');
    expect(existsSync(join(outDir, 'both.npy'))).toBe(false);

    const run = (target: string, subset: typeof texts, file: string): TextSample[] => {
      const alone = ig(['explain', '--model', model, ...subset.flatMap((t) => ['--text', t.text]), '--target', target, '--labels', labels, '--json', file], {
        cwd: dir,
      });
      expect(alone.code, alone.stderr).toBe(0);
      return (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { samples: TextSample[] }).samples;
    };
    const auto = texts.filter((t) => t.id === 'lunch' || t.id === 'win');
    const expected = new Map([
      ['click', run('1', [texts[0] as (typeof texts)[number]], 'click.json')[0]],
      ...run('auto', auto, 'auto.json').map((sample, k) => [auto[k]?.id as string, sample] as const),
    ]);
    for (const [id, sample] of expected) {
      const item = JSON.parse(readFileSync(join(outDir, `${id}.json`), 'utf8')) as TextSample & ItemLine;
      expect(item.status).toBe('ok');
      for (const key of ['tokens', 'tokenAttributions', 'words', 'wordAttributions', 'target', 'label', 'predicted', 'fInput', 'fBaseline', 'delta'] as const)
        expect(item[key]).toEqual(sample?.[key]);
      expectComplete(item, RELATIVE_DELTA_50);
      // <id>.npy holds the layer attributions [1, 128, E] whose per-token sums are the report's.
      const attributions = readFloat32Npy(join(outDir, `${id}.npy`));
      expect(attributions.shape.slice(0, 2)).toEqual([1, 128]);
      expect(Array.from(tokenSums(attributions).subarray(0, item.tokens.length))).toEqual(item.tokenAttributions);
      expect(readFileSync(join(outDir, `${id}.html`), 'utf8')).toContain('class="ig-legend"');
    }
    expect((JSON.parse(readFileSync(join(outDir, 'click.json'), 'utf8')) as TextSample).label).toBe('spam');
  });

  it('refuses token options where --inputs holds no texts or ids', () => {
    const inputs = join(dir, 'floats');
    mkdirSync(inputs);
    writeFileSync(join(inputs, 'x.npy'), formatNpy(new Float32Array(4), [1, 4]));
    const run = ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', join(dir, 'floats-out'), '--baseline-token', '[UNK]']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: --baseline-token is an option of token-id models; --inputs holds no texts or token ids');
  });

  it('a folder of .txt files is refused, saying how texts are given', () => {
    const inputs = join(dir, 'texts');
    mkdirSync(inputs);
    writeFileSync(join(inputs, 'a.txt'), 'win a free prize now');
    const run = ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', join(dir, 'texts-out')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('holds no .npy, .npz or image files; texts are given as a manifest of JSON lines {"id": "…", "text": "…"}');
    expect(existsSync(join(dir, 'texts-out'))).toBe(false);
  });
});
